"""The real Hasura graphql-engine in a testcontainers container, on the host's loopback."""

from __future__ import annotations

import time
from collections.abc import Mapping

import requests

from phenom_infra.facts import hasura_image
from phenom_stack.errors import StackStartError

READY_TIMEOUT_SECONDS = 120.0
LOG_TAIL_LINES = 30


class HasuraContainer:
    """graphql-engine with host networking, so it reaches Postgres, moto and the Function URL on 127.0.0.1.

    The image is the one production's ECS task definition runs, read from the Terraform (hasura_image()).
    """

    def __init__(self, port: int, environment: Mapping[str, str]) -> None:
        self.port = port
        self.environment = dict(environment)
        self._container = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        """Start the container, wait for GET /healthz to answer 200, and return the engine's base URL."""
        from testcontainers.core.container import DockerContainer

        self._container = DockerContainer(
            hasura_image(),
            env={
                **self.environment,
                "HASURA_GRAPHQL_SERVER_HOST": "127.0.0.1",
                "HASURA_GRAPHQL_SERVER_PORT": str(self.port),
            },
        ).with_kwargs(network_mode="host")
        self._container.start()
        self._wait_healthy()
        return self.base_url

    def stop(self) -> None:
        """Stop and remove the container."""
        if self._container is not None:
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
            f"Hasura ({hasura_image()}) did not answer GET {self.base_url}/healthz with 200 within "
            f"{READY_TIMEOUT_SECONDS:.0f}s; last answer: {last_answer}; container status: {self._status()}.\n"
            f"Last log lines:\n{self._log_tail()}\n"
            "Hint: the engine must reach Postgres, the JWKS URL on moto and the Function URL on 127.0.0.1; "
            "host networking needs a Linux Docker engine."
        )

    def _status(self) -> str:
        container = self._container.get_wrapped_container()
        container.reload()
        return container.status

    def _log_tail(self) -> str:
        container = self._container.get_wrapped_container()
        return container.logs(tail=LOG_TAIL_LINES).decode(errors="replace")
