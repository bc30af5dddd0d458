"""The smoke round-trip: sign in, createPhenom, PUT, getPhenoms, GET, deletePhenom, each step named and timed.

    pytest -m smoke --env prod                      # after a deploy; the canary runs the same on a schedule
    pytest -m smoke --env local                     # against the local stack (also part of -m contract)
    pytest -m smoke --env prod --phenom-report r.json && python -m phenom_client.summary r.json

The password comes from PHENOM_SMOKE_PASSWORD or the environment's smoke-credentials secret (phenom_client/environments.toml
names it); the round-trip logic lives in roundtrip.py without pytest, so the load test and benchmarks reuse it.
"""
