"""Run the engine double on its own, configured like the graphql container: `python -m phenom_stack.double`.

Reads HASURA_GRAPHQL_ADMIN_SECRET, HASURA_GRAPHQL_JWT_SECRET, the database from HASURA_GRAPHQL_DATABASE_URL or
PG_DATABASE_URL and the port from HASURA_GRAPHQL_SERVER_PORT (default 8080); prints the base URL, serves until
SIGINT or SIGTERM. Apply migrations and metadata afterwards (phenom_stack.hasura_project).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

from phenom_stack.double.double import HasuraDouble

DEFAULT_PORT = "8080"


def main() -> int:
    env = dict(os.environ)
    database_url = env.get("HASURA_GRAPHQL_DATABASE_URL") or env.get("PG_DATABASE_URL")
    required = {
        "HASURA_GRAPHQL_DATABASE_URL or PG_DATABASE_URL": database_url,
        "HASURA_GRAPHQL_ADMIN_SECRET": env.get("HASURA_GRAPHQL_ADMIN_SECRET"),
        "HASURA_GRAPHQL_JWT_SECRET": env.get("HASURA_GRAPHQL_JWT_SECRET"),
    }
    missing = [name for name, value in required.items() if not value]
    if missing:
        print(f"hasura double: set {', '.join(missing)} (the graphql container's environment)", file=sys.stderr)
        return 2
    jwt_config = json.loads(env["HASURA_GRAPHQL_JWT_SECRET"])
    port = int(env.get("HASURA_GRAPHQL_SERVER_PORT", DEFAULT_PORT))
    double = HasuraDouble(database_url, env["HASURA_GRAPHQL_ADMIN_SECRET"], jwt_config, env, port=port)
    stopped = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopped.set())
    print(double.start(), flush=True)
    stopped.wait()
    double.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
