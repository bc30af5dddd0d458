"""The engine double in a process of its own, configured like the graphql container: `python -m phenom_stack.double`.

Reads HASURA_GRAPHQL_ADMIN_SECRET, HASURA_GRAPHQL_JWT_SECRET, the database from HASURA_GRAPHQL_DATABASE_URL or
PG_DATABASE_URL and the port from HASURA_GRAPHQL_SERVER_PORT (default 8080, 0 picks a free one); the whole environment
is the engine's (handler `{{VAR}}` templates, header `value_from_env`). It serves on 127.0.0.1, prints `READY <port>`
on stdout once it listens, and exits 0 on SIGTERM or SIGINT. Apply migrations and metadata afterwards
(phenom_stack.hasura_project). The stack starts it this way (phenom_stack.double_process), so the double never
competes with its callers for one interpreter lock.

With --environment-on-stdin it loads its modules first and then reads the engine's environment as one line of JSON
(an object of strings) on stdin, over the process's own: the stack starts it so before the user pool it is
configured with exists, and its imports, most of its start, overlap the others' start. Variables read as the modules
load (PHENOM_DOUBLE_*) must then be in the process's own environment.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from phenom_stack.child_process import block_stop_signals, serve_until_stopped
from phenom_stack.double.double import HasuraDouble

DEFAULT_PORT = "8080"


def main(argv: list[str] | None = None) -> int:
    block_stop_signals()
    parser = argparse.ArgumentParser(prog="python -m phenom_stack.double", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--environment-on-stdin",
        action="store_true",
        help="read the engine's environment as one line of JSON on stdin, once the modules are loaded",
    )
    env = dict(os.environ)
    if parser.parse_args(argv).environment_on_stdin:
        line = sys.stdin.readline()
        if not line:
            print("hasura double: stdin closed before the engine's environment arrived", file=sys.stderr)
            return 2
        env.update(json.loads(line))
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
    # The double logs its own failures (a request it could not answer) as warnings and above; stderr is the log file.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    jwt_config = json.loads(env["HASURA_GRAPHQL_JWT_SECRET"])
    port = int(env.get("HASURA_GRAPHQL_SERVER_PORT", DEFAULT_PORT))
    with HasuraDouble(database_url, env["HASURA_GRAPHQL_ADMIN_SECRET"], jwt_config, env, port=port) as double:
        serve_until_stopped(double.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
