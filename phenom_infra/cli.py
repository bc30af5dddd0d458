"""`phenom-infra up production|development [--json]`: an environment applied into moto, served until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import json
import sys
import threading

from phenom_infra.applied import ENVIRONMENTS, AppliedEnvironment, InfraApplyError, applied_environment
from phenom_stack.cli import Shutdown, stop_on_signals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phenom-infra", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="apply an environment into moto and serve it until SIGINT or SIGTERM")
    up.add_argument("environment", choices=ENVIRONMENTS)
    up.add_argument("--json", action="store_true", help="print one line of JSON once the environment is applied")
    args = parser.parse_args(argv)

    stop_on_signals()
    try:
        with applied_environment(args.environment) as applied:
            print(json.dumps(applied.summary()) if args.json else describe(applied), flush=True)
            threading.Event().wait()
    except Shutdown:
        return 0
    except InfraApplyError as error:
        print(f"phenom-infra: {error}", file=sys.stderr)
        return 1
    return 0


def describe(applied: AppliedEnvironment) -> str:
    """The applied environment as readable text (the outputs hold ids and URLs, never a secret)."""
    summary = applied.summary()
    lines = [
        f"Phenom {summary['environment']} ({summary['name_prefix']}) applied into moto in "
        f"{summary['applied_in_seconds']:.1f}s; Ctrl-C {'destroys and ' if applied.destroy_on_exit else ''}stops it.",
        f"  AWS endpoint     {summary['aws_endpoint_url']} (region {summary['region']}, account {summary['account_id']})",
        *(f"  {name:<28} {value}" for name, value in summary["outputs"].items()),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
