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


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(ConfigurationError) as failure:
        call(*args, **kwargs)
    return str(failure.value)


def test_the_projects_own_file_is_named_from_the_repository_root():
    assert refusal(environment_section, "staging") == (
        "--env staging is not in phenom_client/environments.toml: pick one of dev, local, prod"
    )
    assert refusal(environment_section, "dev") == (
        "phenom_client/environments.toml [dev] has no graphql_url, user_pool_id, client_id, smoke_username: "
        "add them (the environment's Terraform outputs) or pick another --env"
    )


def test_a_missing_file_is_named_with_what_it_is_for(tmp_path):
    path = tmp_path / "absent.toml"
    assert refusal(environment_section, "prod", path) == f"{path} is missing: it lists the environments --env can pick"


def test_a_file_that_is_not_toml_is_refused_with_the_parsers_reason(tmp_path):
    path = write(tmp_path, "[prod\n")
    assert refusal(load_environment, "prod", path) == (
        f"{path} is not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 6)"
    )


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            lambda text: 'prod = "https://api.example.com"\n',
            "{path} [prod] must be a table of keys, not a single value",
        ),
        (
            lambda text: text.replace('client_id = "client"', 'client_id = "client"\npassword = "x"\nextra = 1'),
            "{path} [prod] has unexpected keys extra, password; it may hold only region, graphql_url, user_pool_id, "
            "client_id, smoke_username, smoke_secret_id",
        ),
        (
            lambda text: text.replace('client_id = "client"\n', "").replace('region = "us-east-1"\ngraphql', "graphql"),
            "{path} [prod] has no region, client_id: add them (the environment's Terraform outputs) or pick another --env",
        ),
        (
            lambda text: text.replace('client_id = "client"\n', ""),
            "{path} [prod] has no client_id: add it (the environment's Terraform outputs) or pick another --env",
        ),
        (lambda text: text.replace('"client"', "7"), "{path} [prod] client_id must be a non-empty string"),
        (lambda text: text.replace('"client"', '"  "'), "{path} [prod] client_id must be a non-empty string"),
        (
            lambda text: text.replace("https://api.example.com", "http://api.example.com"),
            "{path} [prod] graphql_url must be an https:// URL",
        ),
    ],
    ids=["not-a-table", "unexpected-keys", "missing-keys", "missing-key", "number", "blank", "http"],
)
def test_a_wrong_prod_section_is_refused_naming_the_file_and_the_fix(tmp_path, edit, problem):
    path = write(tmp_path, edit(COMPLETE))
    assert refusal(load_environment, "prod", path) == problem.format(path=path)


def test_local_may_name_only_its_static_keys(tmp_path):
    path = write(tmp_path, COMPLETE + 'graphql_url = "http://127.0.0.1:8080/v1/graphql"\n')
    assert refusal(environment_section, "local", path) == (
        f"{path} [local] has unexpected keys graphql_url; it may hold only region, smoke_secret_id: "
        "the rest comes from the running local stack"
    )


def test_local_needs_only_its_static_keys_and_may_use_plain_http(tmp_path):
    assert environment_section("local", write(tmp_path, COMPLETE)) == {
        "region": "us-east-1",
        "smoke_secret_id": "phenom-local-smoke-credentials",
    }


def test_local_without_a_stack_or_a_user_says_what_to_start(tmp_path):
    path = write(tmp_path, COMPLETE)
    assert refusal(load_environment, "local", path) == (
        "--env local takes its endpoints from the local stack: start it (the local_stack fixture) first"
    )
    assert refusal(load_environment, "local", path, local_stack=FakeStack(users=())) == (
        "the local stack has no users: it must create the smoke user before the round-trip"
    )


def test_the_local_config_is_local_and_names_its_region_and_stack(tmp_path):
    path = write(tmp_path, COMPLETE.replace('region = "us-east-1"\nsmoke', 'region = "eu-west-1"\nsmoke'))
    env = load_environment("local", path, local_stack=FakeStack())
    assert (env.name, env.region, env.is_local) == ("local", "eu-west-1", True)
    assert not load_environment("prod", path).is_local


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ("thresholds = 5", "must be a table of steps"),
        ('getPhenoms = "fast"', '"getPhenoms" must be { degraded_ms = N, failed_ms = M }'),
        (
            "getPhenoms = { degraded_ms = 1, failed_ms = 2, p99_ms = 3 }",
            '"getPhenoms" must be { degraded_ms = N, failed_ms = M }',
        ),
        (
            "getPhenoms = { degraded_ms = true, failed_ms = 2 }",
            '"getPhenoms": degraded_ms and failed_ms must be positive whole milliseconds',
        ),
        (
            "getPhenoms = { degraded_ms = 0, failed_ms = 2 }",
            '"getPhenoms": degraded_ms and failed_ms must be positive whole milliseconds',
        ),
        (
            "getPhenoms = { degraded_ms = 1, failed_ms = 2.5 }",
            '"getPhenoms": degraded_ms and failed_ms must be positive whole milliseconds',
        ),
        ("getPhenoms = { degraded_ms = 2, failed_ms = 2 }", '"getPhenoms": degraded_ms must be below failed_ms'),
    ],
    ids=["not-a-table", "not-limits", "extra-limit", "boolean", "zero", "fraction", "equal"],
)
def test_a_wrong_thresholds_table_is_refused_naming_where(tmp_path, table, problem):
    if table.startswith("thresholds"):
        text = COMPLETE.replace("[prod]\n", f"[prod]\n{table}\n", 1)
    else:
        text = COMPLETE + f"\n[prod.thresholds]\n{table}\n"
    path = write(tmp_path, text)
    assert refusal(step_thresholds, "prod", path) == f"{path} [prod.thresholds] {problem}"


def test_an_environment_without_thresholds_or_a_section_has_none(tmp_path):
    path = write(tmp_path, COMPLETE + 'single = "value"\n')
    assert step_thresholds("prod", path) == {}
    assert step_thresholds("staging", path) == {}
    assert step_thresholds("single", path) == {}


def test_thresholds_keep_the_order_of_the_file(tmp_path):
    path = write(
        tmp_path,
        COMPLETE + "\n[prod.thresholds]\nupload = { failed_ms = 9, degraded_ms = 3 }\n"
        '"sign in" = { degraded_ms = 1, failed_ms = 2 }\n',
    )
    assert step_thresholds("prod", path) == {"upload": StepThreshold(3, 9), "sign in": StepThreshold(1, 2)}
    assert list(step_thresholds("prod", path)) == ["upload", "sign in"]
