"""The `phenom-stack up --json` line describes the stack completely, so pytest --stack-file can attach to it."""

import pytest

from phenom_stack.local_stack import LocalStack, StackUser
from tests.plugins.stack import _attached_stack

pytestmark = pytest.mark.unit

STACK = LocalStack(
    stack="hermetic",
    graphql_url="http://127.0.0.1:1/v1/graphql",
    metadata_url="http://127.0.0.1:1/v1/metadata",
    query_url="http://127.0.0.1:1/v2/query",
    action_url="http://127.0.0.1:2/",
    aws_endpoint_url="http://127.0.0.1:3",
    region="us-east-1",
    user_pool_id="us-east-1_abc",
    client_id="client",
    media_bucket="phenom-local-media-storage",
    app_secrets_id="phenom-local-app-secrets",
    smoke_secret_id="phenom-local-smoke-credentials",
    admin_secret="admin-secret-value",
    database_url="postgresql://postgres@127.0.0.1:4/phenom",
    jwt_secret_config={"type": "RS256", "jwk_url": "http://127.0.0.1:3/us-east-1_abc/.well-known/jwks.json"},
    users=(StackUser("smoke@phenom.local", "pw-one", "sub-1"), StackUser("other@phenom.local", "pw-two", "sub-2")),
    started_in_seconds=1.25,
    start_timings={"postgres": 0.5},
    log_dir="/tmp/logs",
    aws_credentials={"access_key_id": "key-id", "secret_access_key": "secret-key-value"},
)


def test_json_line_round_trips_to_the_same_stack():
    assert LocalStack.from_json(STACK.to_json()) == STACK


def test_repr_hides_the_admin_secret_and_passwords():
    assert "admin-secret-value" not in repr(STACK) and "pw-one" not in repr(STACK)
    assert "secret-key-value" not in repr(STACK)


def test_stack_file_that_is_missing_says_how_to_start_a_stack(tmp_path):
    with pytest.raises(pytest.UsageError, match=r"phenom-stack up --json >"):
        _attached_stack(tmp_path / "stack.json")


def test_stack_file_without_a_stack_line_is_refused(tmp_path):
    path = tmp_path / "stack.json"
    path.write_text('{"stack": "hermetic"}')
    with pytest.raises(pytest.UsageError, match="no running stack described there"):
        _attached_stack(path)
