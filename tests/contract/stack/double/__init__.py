"""Contract tests of the engine double itself, with their own fixtures: embedded Postgres, a JWKS, a scripted
action handler and the double."""
