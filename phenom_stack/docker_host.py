"""How the docker stack's containers reach the host's services (moto's JWKS, the action handler's Function URL,
Postgres's published port), on every kind of engine, without host networking.

The containers sit on Docker's bridge network with their ports published on the host's 127.0.0.1, where the tests
and the Lambdas call them. A container calls the host as `host.docker.internal`; what that name must resolve to,
and where the host's services must listen for it to reach them, depends on where the engine runs:

- Docker Desktop (macOS, Windows, Linux), and any engine in a VM of its own (this process not on Linux): the VM
  forwards `host-gateway` to the host's loopback, so the services stay on 127.0.0.1 only.
- Rootless Docker: the bridge lives in RootlessKit's network namespace, whose gateway to the host is 10.0.2.2; it
  reaches the host's loopback (RootlessKit's host loopback, DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK=false),
  so the services stay on 127.0.0.1 only. `host-gateway` would name the bridge's gateway inside that namespace.
- Rootful Docker on this Linux host: the bridge's gateway (docker0's address) is an address of this host, and a
  container's packets to it never reach the host's loopback. The services listen on 127.0.0.1 and on that address,
  at the same port, and host.docker.internal names it explicitly (what host-gateway means by default), so the
  address listened on and the address called cannot differ.

Nothing listens beyond loopback and the bridge's gateway: moto holds the stack's secrets and has no authentication.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from phenom_stack.containers import docker_failures
from phenom_stack.errors import StackStartError

HOST_NAME = "host.docker.internal"
LOOPBACK = "127.0.0.1"
HOST_GATEWAY = "host-gateway"
ROOTLESS_HOST_ADDRESS = "10.0.2.2"
DOCKER_DESKTOP = "Docker Desktop"


@dataclass(frozen=True)
class HostAccess:
    """Where host services a container calls must also listen, and what host.docker.internal resolves to there."""

    also_listen: tuple[str, ...]
    host_address: str
    # What must hold on this machine for the containers' calls to arrive: for an error's hint.
    requirement: str

    @property
    def extra_hosts(self) -> dict[str, str]:
        """The containers' extra_hosts (`--add-host`)."""
        return {HOST_NAME: self.host_address}

    @property
    def published_on(self) -> tuple[str, ...]:
        """The host addresses a container port that a container calls is published on."""
        return (LOOPBACK, *self.also_listen)


def host_access_for(info: Mapping, bridge_gateway: str | None, platform: str = sys.platform) -> HostAccess:
    """The access for an engine, from its `docker info` and the gateway address of its `bridge` network."""
    security_options = info.get("SecurityOptions") or []
    if info.get("OperatingSystem") == DOCKER_DESKTOP or not platform.startswith("linux"):
        return HostAccess(
            (), HOST_GATEWAY, "the engine's VM must forward host.docker.internal to this machine's loopback"
        )
    if any("name=rootless" in option for option in security_options):
        return HostAccess(
            (),
            ROOTLESS_HOST_ADDRESS,
            "rootless Docker must let containers reach this machine's loopback "
            "(DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK=false in the daemon's environment)",
        )
    if not bridge_gateway:
        raise StackStartError(
            "the Docker engine has no `bridge` network with a gateway, so its containers cannot reach this host's "
            'services. Hint: restore the default bridge (remove `"bridge": "none"` from daemon.json) or run with '
            "--stack hermetic"
        )
    return HostAccess(
        (bridge_gateway,),
        bridge_gateway,
        f"a firewall (ufw, firewalld) must let the bridge's packets reach this machine at {bridge_gateway}",
    )


def host_access() -> HostAccess:
    """Ask the engine (DOCKER_HOST, or the default socket) how its containers reach this host."""
    import docker
    from docker.errors import NotFound

    with docker_failures("asking the Docker engine how its containers reach this host"):
        client = docker.from_env()
        try:
            info = client.info()
            try:
                ipam = client.networks.get("bridge").attrs.get("IPAM") or {}
            except NotFound:
                ipam = {}
        finally:
            client.close()
    gateways = [config["Gateway"] for config in ipam.get("Config") or [] if config.get("Gateway")]
    access = host_access_for(info, next((g for g in gateways if ":" not in g), None))
    for address in access.also_listen:
        _check_local(address)
    return access


def _check_local(address: str) -> None:
    # A remote engine (DOCKER_HOST=tcp://..., ssh://...), or this process in a container of its own, has a bridge
    # whose gateway is not an address here: say so now rather than as a listener that cannot bind.
    try:
        with socket.socket() as probe:
            probe.bind((address, 0))
    except OSError as error:
        raise StackStartError(
            f"the Docker engine's bridge gateway {address} is not an address of this machine ({error.strerror}), "
            "so its containers cannot reach the services the stack runs here. Hint: run the docker stack on the "
            "engine's own host, or run with --stack hermetic"
        ) from error


def container_url(url: str) -> str:
    """url as a container calls it: a 127.0.0.1 host becomes host.docker.internal (port, path, credentials kept)."""
    parts = urlsplit(url)
    if parts.hostname != LOOPBACK:
        return url
    credentials, _, _ = parts.netloc.rpartition("@")
    netloc = f"{credentials}@{HOST_NAME}" if credentials else HOST_NAME
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))
