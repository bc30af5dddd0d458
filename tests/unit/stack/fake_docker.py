"""Stand-ins for the Docker engine and testcontainers, so the docker stack's configuration and failures are tested on
a machine without an engine."""

from __future__ import annotations

import docker
import docker.errors


class FakeImages:
    """The engine's images: `present` are there; pull raises pull_error, or records the image."""

    def __init__(self, present: set[str] = frozenset(), pull_error: Exception | None = None) -> None:
        self.present = set(present)
        self.pull_error = pull_error
        self.pulled: list[str] = []

    def get(self, image: str):
        if image not in self.present:
            raise docker.errors.ImageNotFound(f"No such image: {image}")
        return image

    def pull(self, image: str):
        if self.pull_error is not None:
            raise self.pull_error
        self.pulled.append(image)
        self.present.add(image)
        return image


class FakeNetwork:
    def __init__(self, gateway: str | None) -> None:
        self.attrs = {"IPAM": {"Config": [{"Subnet": "172.17.0.0/16", "Gateway": gateway}] if gateway else []}}


class FakeNetworks:
    def __init__(self, gateway: str | None) -> None:
        self.gateway = gateway

    def get(self, name: str) -> FakeNetwork:
        if name != "bridge" or self.gateway is None:
            raise docker.errors.NotFound(f"network {name} not found")
        return FakeNetwork(self.gateway)


class FakeDockerClient:
    """docker.DockerClient with the calls the stack makes: info, networks.get, images.get/pull, close."""

    def __init__(self, info: dict, gateway: str | None = None, images: FakeImages | None = None) -> None:
        self._info = info
        self.networks = FakeNetworks(gateway)
        self.images = images or FakeImages()
        self.closed = False

    def info(self) -> dict:
        return self._info

    def close(self) -> None:
        self.closed = True


DOCKER_DESKTOP_INFO = {"OperatingSystem": "Docker Desktop", "SecurityOptions": ["name=seccomp,profile=builtin"]}
ROOTLESS_INFO = {
    "OperatingSystem": "Ubuntu 24.04 LTS",
    "SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"],
}
ROOTFUL_INFO = {
    "OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
    "SecurityOptions": ["name=seccomp,profile=builtin"],
}


def engine(monkeypatch, client: FakeDockerClient | None = None, error: Exception | None = None) -> None:
    """docker.from_env() gives client, or raises error (as without an engine)."""

    def from_env(**kwargs):
        if error is not None:
            raise error
        return client

    monkeypatch.setattr(docker, "from_env", from_env)


class RecordingContainer:
    """Stands in for testcontainers' DockerContainer / PostgresContainer: records how it was built and started."""

    built: list[RecordingContainer]
    start_error: Exception | None

    def __init__(self, image, **kwargs) -> None:
        self.image = image
        self.kwargs = kwargs
        self.ports: dict = {}
        self.started = False
        self.stopped = False
        self.built.append(self)

    def start(self):
        if self.start_error is not None:
            raise self.start_error
        self.started = True
        return self

    def stop(self) -> None:
        self.stopped = True

    def get_wrapped_container(self):
        raise docker.errors.NotFound("the recording container has no engine container")


def recording_container_class(start_error: Exception | None = None) -> type[RecordingContainer]:
    """A RecordingContainer class of its own (its `built` list starts empty) whose start() raises start_error."""
    return type("Recording", (RecordingContainer,), {"built": [], "start_error": start_error})
