"""Whether a Docker engine answers, and which stack kind --stack auto|hermetic|docker resolves to."""

from __future__ import annotations

import functools

from phenom_stack.errors import DockerUnavailableError

NO_DOCKER_ENGINE_REASON = "no Docker engine: start dockerd (or set DOCKER_HOST) to run the docker stack"
PING_TIMEOUT_SECONDS = 2
STACK_KINDS = ("auto", "hermetic", "docker")


@functools.cache
def docker_engine_answers() -> bool:
    """True when the engine that DOCKER_HOST (or the default socket) names answers a ping; asked once per process."""
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env(timeout=PING_TIMEOUT_SECONDS)
    except DockerException:
        return False
    try:
        return bool(client.ping())
    except (DockerException, OSError):
        return False
    finally:
        client.close()


def resolve_stack_kind(requested: str) -> str:
    """hermetic or docker; `docker` without an engine raises DockerUnavailableError instead of falling back."""
    if requested not in STACK_KINDS:
        raise ValueError(f"unknown stack kind {requested!r}: use one of {', '.join(STACK_KINDS)}")
    if requested == "hermetic":
        return "hermetic"
    if docker_engine_answers():
        return "docker"
    if requested == "docker":
        raise DockerUnavailableError(
            f"--stack docker needs a Docker engine and none answers ({NO_DOCKER_ENGINE_REASON}); "
            "or run with --stack hermetic"
        )
    return "hermetic"
