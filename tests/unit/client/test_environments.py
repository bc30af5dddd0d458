"""phenom_client/environments.toml: the real file's facts, and every way a section can be wrong."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from phenom_client.environments import (
    ENVIRONMENTS_FILE,
    KEYS,
    THRESHOLDS_KEY,
    EnvConfig,
    StepThreshold,
    environment_section,
    load_environment,
    step_thresholds,
)
from phenom_client.errors import ConfigurationError
from phenom_client.roundtrip import ROUNDTRIP_STEPS

pytestmark = pytest.mark.unit

COMPLETE = """
[prod]
region = "us-east-1"
graphql_url = "https://api.example.com/v1/graphql"
user_pool_id = "us-east-1_abc"
client_id = "client"
smoke_username = "smoke@example.com"
smoke_secret_id = "phenom-prod-smoke-credentials"

[local]
region = "us-east-1"
smoke_secret_id = "phenom-local-smoke-credentials"
"""


@dataclasses.dataclass(frozen=True)
class FakeUser:
    username: str


@dataclasses.dataclass(frozen=True)
class FakeStack:
    stack: str = "hermetic"
    graphql_url: str = "http://127.0.0.1:1234/v1/graphql"
    user_pool_id: str = "us-east-1_local"
    client_id: str = "local-client"
    aws_endpoint_url: str = "http://127.0.0.1:5000"
    users: tuple = (FakeUser("first@example.com"), FakeUser("second@example.com"))


def write(tmp_path, text: str):
    path = tmp_path / "environments.toml"
    path.write_text(text)
    return path


def test_prod_holds_the_production_page_facts():
    env = load_environment("prod")
    assert env == EnvConfig(
        name="prod",
        region="us-east-1",
        graphql_url="https://api.thephenom.app/v1/graphql",
        user_pool_id="us-east-1_knEL7cqS3",
        client_id="8uun49ru7f3fdvmlc12vqig3a",
        smoke_username="test@thephenom.app",
        smoke_secret_id="phenom-prod-smoke-credentials",
    )


def test_dev_names_its_missing_ids_instead_of_holding_placeholders():
    with pytest.raises(ConfigurationError) as failure:
        environment_section("dev")
    assert str(failure.value).startswith(
        "phenom_client/environments.toml [dev] has no graphql_url, user_pool_id, client_id, smoke_username"
    )


def test_every_section_holds_only_known_keys_so_no_password_can_hide_in_the_file():
    sections = tomllib.loads(ENVIRONMENTS_FILE.read_text())
    assert sorted(sections) == ["dev", "local", "prod"]
    assert all(set(section) <= {*KEYS, THRESHOLDS_KEY} for section in sections.values())
    # The thresholds tables hold whole milliseconds only: step_thresholds refuses anything else.
    assert all(step_thresholds(name) for name in sections)


def test_every_environment_limits_every_round_trip_step():
    for name in ("prod", "dev", "local"):
        thresholds = step_thresholds(name)
        assert tuple(thresholds) == ROUNDTRIP_STEPS, name
        assert all(limit.degraded_ms < limit.failed_ms for limit in thresholds.values())


def test_prod_limits_a_step_in_milliseconds():
    assert step_thresholds("prod")["getPhenoms"] == StepThreshold(degraded_ms=2000, failed_ms=10000)


@pytest.mark.parametrize(
    ("limits", "problem"),
    [
        ("{ degraded_ms = 100 }", "must be { degraded_ms = N, failed_ms = M }"),
        ('{ degraded_ms = 100, failed_ms = "slow" }', "must be positive whole milliseconds"),
        ("{ degraded_ms = 500, failed_ms = 100 }", "degraded_ms must be below failed_ms"),
    ],
)
def test_a_bad_threshold_is_named_with_its_step(tmp_path, limits, problem):
    path = write(tmp_path, COMPLETE + f"\n[prod.thresholds]\ngetPhenoms = {limits}\n")
    with pytest.raises(ConfigurationError, match=r'\[prod.thresholds\] "getPhenoms"') as failure:
        step_thresholds("prod", path)
    assert problem in str(failure.value)


def test_the_thresholds_table_is_not_an_environment_key(tmp_path):
    path = write(tmp_path, COMPLETE + '\n[prod.thresholds]\n"sign in" = { degraded_ms = 1, failed_ms = 2 }\n')
    assert load_environment("prod", path).graphql_url == "https://api.example.com/v1/graphql"
    assert step_thresholds("prod", path) == {"sign in": StepThreshold(1, 2)}


def test_an_unknown_env_lists_the_known_ones(tmp_path):
    with pytest.raises(ConfigurationError, match=r"--env staging is not in .*: pick one of local, prod"):
        load_environment("staging", write(tmp_path, COMPLETE))


def test_a_missing_key_is_named(tmp_path):
    path = write(tmp_path, COMPLETE.replace('client_id = "client"\n', ""))
    with pytest.raises(ConfigurationError, match=r"\[prod\] has no client_id: add it"):
        load_environment("prod", path)


def test_an_unknown_key_is_named(tmp_path):
    path = write(tmp_path, COMPLETE.replace("graphql_url", "graphql_uri"))
    with pytest.raises(ConfigurationError, match="unexpected keys graphql_uri"):
        load_environment("prod", path)


def test_a_plain_http_cloud_endpoint_is_refused(tmp_path):
    path = write(tmp_path, COMPLETE.replace("https://api.example.com", "http://api.example.com"))
    with pytest.raises(ConfigurationError, match="graphql_url must be an https:// URL"):
        load_environment("prod", path)


def test_an_empty_value_is_refused(tmp_path):
    path = write(tmp_path, COMPLETE.replace('"client"', '""'))
    with pytest.raises(ConfigurationError, match="client_id must be a non-empty string"):
        load_environment("prod", path)


def test_local_may_not_pin_what_the_stack_decides(tmp_path):
    path = write(tmp_path, COMPLETE + 'graphql_url = "http://127.0.0.1:8080/v1/graphql"\n')
    with pytest.raises(ConfigurationError, match="the rest comes from the running local stack"):
        environment_section("local", path)


def test_local_takes_endpoints_and_the_first_user_from_the_stack(tmp_path):
    env = load_environment("local", write(tmp_path, COMPLETE), local_stack=FakeStack())
    assert (env.graphql_url, env.user_pool_id, env.client_id, env.smoke_username) == (
        "http://127.0.0.1:1234/v1/graphql",
        "us-east-1_local",
        "local-client",
        "first@example.com",
    )
    assert (env.aws_endpoint_url, env.stack, env.smoke_secret_id) == (
        "http://127.0.0.1:5000",
        "hermetic",
        "phenom-local-smoke-credentials",
    )


def test_local_without_a_stack_says_to_start_it(tmp_path):
    with pytest.raises(ConfigurationError, match="start it"):
        load_environment("local", write(tmp_path, COMPLETE))


def test_the_config_is_frozen():
    env = load_environment("prod")
    with pytest.raises(dataclasses.FrozenInstanceError):
        env.graphql_url = "https://elsewhere.example.com"  # type: ignore[misc]
