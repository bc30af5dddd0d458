"""The real Hasura graphql-engine in a testcontainers container on Docker's bridge network, published on the host's
127.0.0.1; it calls the host's services through host.docker.internal (phenom_stack.docker_host)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import requests

from phenom_infra.facts import hasura_image
from phenom_stack.containers import container_log_tail, docker_failures, prepare_to_run, published
from phenom_stack.docker_host import HOST_NAME, LOOPBACK, HostAccess, container_url
from phenom_stack.engine_config import EngineConfig
from phenom_stack.errors import StackStartError

READY_TIMEOUT_SECONDS = 120.0
# The engine's port inside its container (graphql-engine's default).
CONTAINER_PORT = 8080


@dataclass(frozen=True)
class HasuraContainerOptions:
    """What the container is created with: everything that decides how it is reached and what it reaches."""

    image: str
    environment: dict[str, str] = field(repr=False)
    ports: dict[str, list[tuple[str, int]]]
    extra_hosts: dict[str, str]


def hasura_container_options(port: int, config: EngineConfig, access: HostAccess) -> HasuraContainerOptions:
    """The production image, the graphql container's environment with every URL as the container calls it, the
    engine published on the host's 127.0.0.1:port only (only the host calls it), and host.docker.internal."""
    return HasuraContainerOptions(
        image=hasura_image(),
        environment=config.with_urls(container_url).environment(),
        ports=published(CONTAINER_PORT, port, [LOOPBACK]),
        extra_hosts=access.extra_hosts,
    )


class HasuraContainer:
    """graphql-engine of the image production's ECS task definition runs (read from the Terraform)."""

    def __init__(self, port: int, config: EngineConfig, access: HostAccess) -> None:
        self.port = port
        self.options = hasura_container_options(port, config, access)
        self.access = access
        self._container = None

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> str:
        """Start the container, wait for GET /healthz to answer 200, and return the engine's base URL."""
        from testcontainers.core.container import DockerContainer

        options = self.options
        prepare_to_run(options.image)
        with docker_failures(f"starting the Hasura container ({options.image})"):
            container = DockerContainer(options.image, env=options.environment, extra_hosts=options.extra_hosts)
            # Set directly: with_bind_ports takes one host port, not the (address, port) pairs docker accepts.
            container.ports = dict(options.ports)
            self._container = container
            container.start()
        self._wait_healthy()
        return self.base_url

    def stop(self) -> None:
        """Stop and remove the container."""
        if self._container is not None:
            with docker_failures(f"removing the Hasura container ({self.options.image})"):
                self._container.stop()
            self._container = None

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        last_answer = "no answer yet"
        while time.monotonic() < deadline:
            try:
                response = requests.get(f"{self.base_url}/healthz", timeout=2)
                if response.status_code == 200:
                    return
                last_answer = f"HTTP {response.status_code}: {response.text[:200]}"
            except requests.RequestException as error:
                last_answer = f"{type(error).__name__}"
            if self._status() not in ("created", "running"):
                break
            time.sleep(0.2)
        raise StackStartError(
            f"Hasura ({self.options.image}) did not answer GET {self.base_url}/healthz with 200 within "
            f"{READY_TIMEOUT_SECONDS:.0f}s; last answer: {last_answer}; container status: {self._status()}.\n"
            f"Last log lines:\n{container_log_tail(self._container)}\n"
            f"Hint: the engine calls Postgres, moto's JWKS and the Function URL through {HOST_NAME} "
            f"({self.access.host_address}): {self.access.requirement}"
        )

    def _status(self) -> str:
        with docker_failures(f"asking for the Hasura container's status ({self.options.image})"):
            container = self._container.get_wrapped_container()
            container.reload()
            return container.status
