"""`phenom-stack up [--json] [--stack auto|hermetic|docker]`: a local backend on loopback until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from phenom_stack.docker_engine import STACK_KINDS
from phenom_stack.errors import StackError
from phenom_stack.local_stack import LocalStack


class Shutdown(BaseException):
    """SIGINT or SIGTERM arrived: unwind, stopping whatever has started."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phenom-stack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the local stack and serve until SIGINT or SIGTERM")
    up.add_argument("--json", action="store_true", help="print one line of JSON once everything is ready")
    up.add_argument(
        "--stack",
        choices=STACK_KINDS,
        default="auto",
        help="docker needs an engine, hermetic needs none, auto picks docker when an engine answers",
    )
    args = parser.parse_args(argv)

    stop_on_signals()
    # Imported once the signal handlers are in place: a SIGTERM during the heavy imports then unwinds cleanly too.
    from phenom_stack.stack import run_local_stack

    lost = []

    def stop_on_lost_part(error: StackError) -> None:
        lost.append(error)
        os.kill(os.getpid(), signal.SIGTERM)

    try:
        with run_local_stack(args.stack, stop_on_lost_part) as stack:
            print(stack.to_json() if args.json else describe_stack(stack), flush=True)
            threading.Event().wait()
    except Shutdown:
        if lost:
            print(f"phenom-stack: {lost[0]}", file=sys.stderr)
            return 1
        return 0
    except StackError as error:
        print(f"phenom-stack: {error}", file=sys.stderr)
        return 1
    return 0


def describe_stack(stack: LocalStack) -> str:
    """The stack as readable text: what a mobile developer points the app at, and how to sign in."""
    lines = [
        f"Phenom local stack ({stack.stack}) ready in {stack.started_in_seconds:.1f}s; Ctrl-C stops it.",
        f"  GraphQL          {stack.graphql_url}",
        f"  Action URL       {stack.action_url}",
        f"  AWS endpoint     {stack.aws_endpoint_url} (region {stack.region})",
        f"  User pool        {stack.user_pool_id}",
        f"  App client       {stack.client_id}",
        f"  Media bucket     {stack.media_bucket}",
        f"  Admin secret     {stack.admin_secret}",
        f"  Logs             {stack.log_dir}",
        "  Users (username / password):",
        *(f"    {user.username} / {user.password}" for user in stack.users),
    ]
    return "\n".join(lines)


def stop_on_signals() -> None:
    """From now on SIGINT and SIGTERM raise Shutdown (once: a second signal is ignored while the first unwinds)."""

    def stop(signum, frame):
        # A second signal must not cut the cleanup short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Shutdown

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


if __name__ == "__main__":
    sys.exit(main())
