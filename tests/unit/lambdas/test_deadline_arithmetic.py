"""The action handler's time budget adds up: the longest one AWS call may take (attempts, connect and read timeouts,
botocore's backoff) fits in the time kept free for it, and budget plus that reserve fits in the Lambda timeout
Terraform sets and in Hasura's action timeout. Changing one of these numbers without the others fails here."""

from __future__ import annotations

import math

import pytest
import yaml
from botocore.retries.standard import ExponentialBackoff

from lambdas.action_handler import auth
from lambdas.action_handler.storage import S3_SETTINGS
from lambdas.action_handler.time_budget import (
    ACTION_BUDGET_SECONDS,
    CALL_SETTINGS,
    SLOWEST_CALL_SECONDS,
    request_deadline,
)
from lambdas.registry import ACTION_HANDLER
from lambdas.shared.aws import ClientSettings, aws_client
from phenom_infra.hcl import REPO_ROOT
from phenom_infra.instances import stack
from tests.kit.events import lambda_context

pytestmark = pytest.mark.unit

# Hasura waits 30 s for a synchronous action unless its definition sets `timeout` (hasura-aws-facts, actions).
HASURA_DEFAULT_ACTION_TIMEOUT_SECONDS = 30
# What happens outside the handler's clock but inside Hasura's: the hop to the Function URL and a cold start's
# imports before the handler starts counting.
OUTSIDE_THE_HANDLER_SECONDS = 2.0


def worst_case_call_seconds(settings: ClientSettings) -> float:
    """The longest one boto3 call with `settings` may take in botocore's standard retry mode: every attempt waits
    its full connect and read timeouts, and every retry waits the longest backoff botocore allows (throttling's
    base scale, doubled per attempt, capped, plus the most an x-amz-retry-after header may add)."""
    attempts = settings.max_attempts * (settings.connect_timeout + settings.read_timeout)
    scale = ExponentialBackoff._DEFAULT_BACKOFF_CONFIG["throttling_base_scale"]
    backoff = sum(
        min(scale * ExponentialBackoff._BASE ** (retry - 1), ExponentialBackoff._MAX_BACKOFF)
        + ExponentialBackoff._RETRY_AFTER_MAX_ADDITIONAL
        for retry in range(1, settings.max_attempts)
    )
    return attempts + backoff


def _action_handler_timeout_seconds() -> float:
    function = stack("production").module("action_handler").resource("aws_lambda_function", "this")
    return float(function["timeout"])


def _hasura_action_timeouts_seconds() -> list[float]:
    actions = yaml.safe_load((REPO_ROOT / "hasura" / "metadata" / "actions.yaml").read_text())["actions"]
    return [float(action["definition"].get("timeout", HASURA_DEFAULT_ACTION_TIMEOUT_SECONDS)) for action in actions]


@pytest.mark.parametrize("settings", [CALL_SETTINGS, S3_SETTINGS], ids=["secrets-manager", "s3"])
def test_the_reserve_is_the_slowest_aws_call_rounded_up_to_a_second(settings: ClientSettings) -> None:
    # Too small and a call started just before the deadline outlives the function; more than a second too large
    # and the actions lose budget for nothing.
    assert math.ceil(worst_case_call_seconds(settings)) == SLOWEST_CALL_SECONDS


def test_the_jwks_fetch_fits_in_the_reserve() -> None:
    assert auth.JWKS_TIMEOUT_SECONDS <= SLOWEST_CALL_SECONDS


def test_budget_and_reserve_fit_in_the_lambda_timeout_and_hasuras() -> None:
    answered_by = ACTION_BUDGET_SECONDS + SLOWEST_CALL_SECONDS
    assert answered_by <= _action_handler_timeout_seconds()
    assert all(answered_by + OUTSIDE_THE_HANDLER_SECONDS <= limit for limit in _hasura_action_timeouts_seconds())


def test_a_fresh_invocation_gets_the_whole_budget() -> None:
    # The cap, not the function's timeout, bounds a request that starts with the whole timeout left.
    # The registry's timeout, which tests/contract/infra ties to Terraform's, read without parsing the Terraform.
    deadline = request_deadline(lambda_context(seconds_left=ACTION_HANDLER.timeout_seconds))
    assert ACTION_BUDGET_SECONDS - 1 < deadline.remaining() <= ACTION_BUDGET_SECONDS


@pytest.mark.parametrize("service, settings", [("secretsmanager", CALL_SETTINGS), ("s3", S3_SETTINGS)])
def test_the_clients_are_built_with_the_settings_the_arithmetic_assumes(
    aws: None, service: str, settings: ClientSettings
) -> None:
    config = aws_client(service, settings).meta.config
    assert (config.connect_timeout, config.read_timeout) == (settings.connect_timeout, settings.read_timeout)
    assert config.retries == {"total_max_attempts": settings.max_attempts, "mode": "standard"}
