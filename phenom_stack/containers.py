"""What the docker stack's containers have in common: the image pulled and testcontainers' reaper started first (each
failing with its own message), ports published on chosen host addresses, and the engine's and testcontainers'
failures turned into StackErrors with a hint, where they arise."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from phenom_stack.errors import DockerError, ImagePullError

LOG_TAIL_LINES = 30
ENGINE_HINT = "check that the Docker engine runs and answers (`docker info`), or run with --stack hermetic"
RYUK_HINT = (
    "testcontainers' Ryuk container must start and be reachable (rootless Docker may need "
    "TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE set to the daemon's socket; TESTCONTAINERS_RYUK_DISABLED=true does without "
    "it, leaving containers behind if the stack is killed), or run with --stack hermetic"
)


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


@contextmanager
def docker_failures(
    doing: str,
    hint: str = ENGINE_HINT,
    error_class: type[DockerError] = DockerError,
    also: tuple[type[Exception], ...] = (),
) -> Iterator[None]:
    """Raise any failure of the Docker engine or testcontainers in the block (and any of the `also` types) as
    error_class: what was being done, the answer, and the hint."""
    from docker.errors import DockerException
    from testcontainers.core.exceptions import ContainerConnectException, ContainerStartException

    try:
        yield
    except (DockerException, ContainerStartException, ContainerConnectException, *also) as error:
        raise error_class(f"{doing} failed: {_first_line(error)}. Hint: {hint}") from error


def prepare_to_run(image: str) -> None:
    """Before a container of image starts: the image pulled if missing, and testcontainers' reaper running."""
    pull_if_missing(image)
    start_reaper()


def start_reaper() -> None:
    """testcontainers' Ryuk, which removes the stack's containers should this process die, started on its own (once
    per process) so that its failures are told apart from the container's, a timeout above all."""
    from testcontainers.core.config import testcontainers_config
    from testcontainers.core.container import Reaper

    if testcontainers_config.ryuk_disabled:
        return
    with docker_failures("starting testcontainers' Ryuk", RYUK_HINT, also=(TimeoutError, OSError)):
        Reaper.get_instance()


def pull_if_missing(image: str) -> None:
    """Pull image unless the engine has it; ImagePullError (with what to try) if the engine cannot get it."""
    import docker
    from docker.errors import ImageNotFound

    with docker_failures(f"looking for the image {image}"):
        client = docker.from_env()
        try:
            try:
                client.images.get(image)
            except ImageNotFound:
                pull_hint = (
                    f"try `docker pull {image}` (a registry that refuses may want `docker login`; a machine "
                    "offline cannot pull), or run with --stack hermetic"
                )
                with docker_failures(f"pulling the image {image}", pull_hint, ImagePullError):
                    client.images.pull(image)
        finally:
            client.close()


def published(container_port: int, host_port: int, addresses: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """docker's `ports` for one TCP port of the container published at host_port on each host address (never on
    every interface, which would put the stack on the machine's network)."""
    return {f"{container_port}/tcp": [(address, host_port) for address in addresses]}


def container_log_tail(container) -> str:
    """The last lines of a testcontainers container's log, or why there are none."""
    try:
        return container.get_wrapped_container().logs(tail=LOG_TAIL_LINES).decode(errors="replace")
    except Exception as error:  # noqa: BLE001 - the log is only context for an error being raised
        return f"(no log: {type(error).__name__})"
