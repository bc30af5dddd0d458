"""The suite's command-line options: --env, --stack, --stack-file, --phenom-report, --phenom-metrics,
--collect-everything."""

from __future__ import annotations

import pytest


def add_options(parser: pytest.Parser) -> None:
    """The suite's command-line options, in one group."""
    group = parser.getgroup("phenom", "Phenom backend suite")
    group.addoption(
        "--env",
        default="local",
        help="environment the smoke suite targets: local (the local stack), dev or prod; see phenom_client/environments.toml",
    )
    group.addoption(
        "--stack",
        default="auto",
        choices=("auto", "hermetic", "docker"),
        help="local stack kind: docker needs an engine, hermetic needs none, auto picks docker when an engine answers",
    )
    group.addoption(
        "--stack-file",
        metavar="PATH",
        default=None,
        help="use the running stack whose `phenom-stack up --json` line is in PATH instead of starting one "
        "(write --stack-file=PATH: a separate PATH outside the repo would be taken for the rootdir)",
    )
    group.addoption(
        "--phenom-report",
        metavar="PATH",
        default=None,
        help="write the round-trip's outcome, steps (status, milliseconds, limits, attempts, trace ids), env and git sha "
        "as JSON to PATH",
    )
    group.addoption(
        "--phenom-metrics",
        action="store_true",
        default=False,
        help="publish the round-trip's outcome and step durations to CloudWatch (namespace Phenom/Canary); "
        "with --env local, to the local stack's moto",
    )
    group.addoption(
        "--collect-everything",
        action="store_true",
        default=False,
        help="import every test module even when -m rules it out from its text (tests/plugins/selection.py)",
    )
