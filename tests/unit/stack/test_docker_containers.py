"""The docker stack's container configuration, without an engine: containers on the bridge network (never host
networking), ports published on chosen host addresses only, host.docker.internal mapped to where the host's services
listen, and every URL the engine calls rewritten to it while the host keeps 127.0.0.1."""

from __future__ import annotations

import json

import pytest
import testcontainers.community.postgres
import testcontainers.core.container

from phenom_stack import containers, docker_host, postgres
from phenom_stack.docker_host import HostAccess, container_url, host_access, host_access_for
from phenom_stack.engine_config import EngineConfig, jwt_secret_config
from phenom_stack.errors import StackStartError
from phenom_stack.hasura_container import HasuraContainer, hasura_container_options
from tests.kit.loopback_http import LoopbackServer, Reply
from tests.unit.stack.fake_docker import (
    DOCKER_DESKTOP_INFO,
    ROOTFUL_INFO,
    ROOTLESS_INFO,
    FakeDockerClient,
    engine,
    recording_container_class,
)

pytestmark = pytest.mark.unit

ROOTFUL = HostAccess(("172.17.0.1",), "172.17.0.1", "a firewall must let the bridge's packets in")
DATABASE_URL = "postgresql://postgres:postgres@127.0.0.1:55432/phenom"
JWKS_URL = "http://127.0.0.1:5000/us-east-1_abc/.well-known/jwks.json"
ACTION_URL = "http://127.0.0.1:5001/"
CONFIG = EngineConfig(
    DATABASE_URL, "admin-secret", jwt_secret_config(JWKS_URL, "client", "https://issuer.example"), ACTION_URL
)


@pytest.mark.parametrize(
    ("info", "gateway", "platform", "also_listen", "host_address"),
    [
        (DOCKER_DESKTOP_INFO, "172.17.0.1", "darwin", (), "host-gateway"),
        (DOCKER_DESKTOP_INFO, "172.17.0.1", "win32", (), "host-gateway"),
        # Docker Desktop for Linux runs its engine in a VM too.
        (DOCKER_DESKTOP_INFO, "172.17.0.1", "linux", (), "host-gateway"),
        (ROOTLESS_INFO, "172.17.0.1", "linux", (), "10.0.2.2"),
        (ROOTFUL_INFO, "172.18.0.1", "linux", ("172.18.0.1",), "172.18.0.1"),
    ],
    ids=["desktop-macos", "desktop-windows", "desktop-linux", "rootless", "rootful-linux"],
)
def test_host_services_listen_where_the_engine_s_containers_reach_them(
    info, gateway, platform, also_listen, host_address
):
    access = host_access_for(info, gateway, platform)
    assert access.also_listen == also_listen
    assert access.published_on == ("127.0.0.1", *also_listen)
    assert access.extra_hosts == {"host.docker.internal": host_address}


def test_rootful_engine_without_a_bridge_says_what_to_restore():
    with pytest.raises(StackStartError, match="no `bridge` network.*Hint"):
        host_access_for(ROOTFUL_INFO, None, "linux")


def test_host_access_asks_the_engine_for_the_bridge_gateway(monkeypatch):
    # GIVEN a rootful engine whose bridge gateway is this machine's loopback (an address a socket can bind here)
    engine(monkeypatch, FakeDockerClient(ROOTFUL_INFO, gateway="127.0.0.1"))
    monkeypatch.setattr(docker_host.sys, "platform", "linux")
    # THEN the stack's services also listen there, and containers call it
    assert host_access() == HostAccess(("127.0.0.1",), "127.0.0.1", host_access().requirement)


def test_bridge_gateway_that_is_not_an_address_here_is_refused_before_anything_listens(monkeypatch):
    # GIVEN an engine elsewhere (DOCKER_HOST=tcp://...): its gateway (TEST-NET-1) is no address of this machine
    engine(monkeypatch, FakeDockerClient(ROOTFUL_INFO, gateway="192.0.2.1"))
    monkeypatch.setattr(docker_host.sys, "platform", "linux")
    with pytest.raises(StackStartError, match="192.0.2.1 is not an address of this machine.*Hint"):
        host_access()


@pytest.mark.parametrize(
    ("url", "seen_from_a_container"),
    [
        (JWKS_URL, "http://host.docker.internal:5000/us-east-1_abc/.well-known/jwks.json"),
        (ACTION_URL, "http://host.docker.internal:5001/"),
        (DATABASE_URL, "postgresql://postgres:postgres@host.docker.internal:55432/phenom"),
        ("https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json", None),
    ],
    ids=["jwks", "function-url", "database-with-credentials", "not-loopback"],
)
def test_container_url_names_the_host_instead_of_loopback(url, seen_from_a_container):
    assert container_url(url) == (seen_from_a_container or url)


def test_hasura_container_is_on_the_bridge_with_its_port_on_loopback_only():
    options = hasura_container_options(18080, CONFIG, ROOTFUL)
    assert options.image == "nhost/graphql-engine:v2.48.5-ce"
    # Published on the host's loopback only: nothing in a container calls the engine.
    assert options.ports == {"8080/tcp": [("127.0.0.1", 18080)]}
    assert options.extra_hosts == {"host.docker.internal": "172.17.0.1"}
    # The engine listens on its container's own interfaces (its default), not on a host address.
    assert "HASURA_GRAPHQL_SERVER_HOST" not in options.environment


def test_hasura_container_calls_the_host_s_services_through_host_docker_internal():
    environment = hasura_container_options(18080, CONFIG, ROOTFUL).environment
    assert environment["HASURA_ACTION_PHENOM_URL"] == "http://host.docker.internal:5001/"
    assert json.loads(environment["HASURA_GRAPHQL_JWT_SECRET"])["jwk_url"] == (
        "http://host.docker.internal:5000/us-east-1_abc/.well-known/jwks.json"
    )
    for name in ("PG_DATABASE_URL", "HASURA_GRAPHQL_METADATA_DATABASE_URL"):
        assert environment[name] == "postgresql://postgres:postgres@host.docker.internal:55432/phenom"
    # The rest of the JWT configuration is the stack's, unchanged.
    assert {**json.loads(environment["HASURA_GRAPHQL_JWT_SECRET"]), "jwk_url": JWKS_URL} == CONFIG.jwt_secret_config
    # The host's own view keeps 127.0.0.1.
    assert CONFIG.environment()["HASURA_ACTION_PHENOM_URL"] == ACTION_URL


def test_hasura_container_starts_with_those_options_and_no_host_networking(monkeypatch):
    # GIVEN testcontainers replaced by a recorder, and the published port answered by a loopback /healthz
    recording = recording_container_class()
    monkeypatch.setattr(testcontainers.core.container, "DockerContainer", recording)
    monkeypatch.setattr("phenom_stack.hasura_container.prepare_to_run", lambda image: None)
    with LoopbackServer() as healthz:
        healthz.route("GET", "/healthz", lambda request: Reply(200, "OK"))
        port = int(healthz.url.rsplit(":", 1)[1])
        container = HasuraContainer(port, CONFIG, ROOTFUL)
        # WHEN it starts
        assert container.start() == f"http://127.0.0.1:{port}"
    # THEN the container was created on the default (bridge) network with the options' ports, hosts and environment
    [built] = recording.built
    assert built.started
    assert "network_mode" not in built.kwargs
    assert "network" not in built.kwargs
    assert built.kwargs["extra_hosts"] == {"host.docker.internal": "172.17.0.1"}
    assert built.ports == {"8080/tcp": [("127.0.0.1", port)]}
    assert built.kwargs["env"]["HASURA_ACTION_PHENOM_URL"] == "http://host.docker.internal:5001/"
    container.stop()
    assert built.stopped


@pytest.mark.parametrize(
    ("access", "published_on"),
    [
        (ROOTFUL, ["127.0.0.1", "172.17.0.1"]),
        (host_access_for(DOCKER_DESKTOP_INFO, None, "darwin"), ["127.0.0.1"]),
    ],
    ids=["rootful-linux", "docker-desktop"],
)
def test_postgres_container_runs_the_rds_version_published_where_the_engine_reaches_it(
    monkeypatch, access, published_on
):
    # GIVEN testcontainers replaced by a recorder, so no engine is needed
    recording = recording_container_class()
    monkeypatch.setattr(testcontainers.community.postgres, "PostgresContainer", recording)
    monkeypatch.setattr(postgres, "prepare_to_run", lambda image: None)
    # WHEN the container provider starts
    with postgres.ContainerPostgres(access) as url:
        [built] = recording.built
        # THEN its image is the RDS engine version from the Terraform, published at one port on each host address
        # the engine's container may call (never every interface), and the host's URL is on 127.0.0.1
        assert built.image == "postgres:17.4"
        port = url.rsplit(":", 1)[1].split("/")[0]
        assert built.ports == {"5432/tcp": [(address, int(port)) for address in published_on]}
        assert url == f"postgresql://postgres:postgres@127.0.0.1:{port}/phenom"
    assert built.stopped


def test_published_ports_name_their_host_addresses():
    assert containers.published(5432, 40000, ["127.0.0.1", "172.17.0.1"]) == {
        "5432/tcp": [("127.0.0.1", 40000), ("172.17.0.1", 40000)]
    }
