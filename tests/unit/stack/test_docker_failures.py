"""Docker failures reach `phenom-stack up` as a StackError (one message with a hint, as on the hermetic path), made
where they arise: the engine unreachable, an image pull refused, testcontainers' reaper or Postgres never ready, the
engine failing a step."""

from __future__ import annotations

import docker.errors
import pytest
import testcontainers.community.postgres
import testcontainers.core.container
from testcontainers.core.config import testcontainers_config
from testcontainers.core.container import Reaper

from phenom_stack import cli, docker_engine, postgres
from phenom_stack.containers import pull_if_missing, start_reaper
from phenom_stack.docker_host import host_access_for
from phenom_stack.engine_config import EngineConfig
from phenom_stack.errors import DockerError, ImagePullError, StackError, StackStartError
from phenom_stack.hasura_container import HasuraContainer
from tests.unit.stack.fake_docker import (
    ROOTFUL_INFO,
    FakeDockerClient,
    FakeImages,
    engine,
    recording_container_class,
)

pytestmark = pytest.mark.unit

ACCESS = host_access_for(ROOTFUL_INFO, "172.17.0.1", "linux")
CONFIG = EngineConfig(
    "postgresql://postgres:postgres@127.0.0.1:1/phenom",
    "admin-secret",
    {"jwk_url": "http://127.0.0.1:2/jwks.json"},
    "http://127.0.0.1:3/",
)
IMAGE = "postgres:17.4"


def test_image_present_is_not_pulled(monkeypatch):
    images = FakeImages(present={IMAGE})
    engine(monkeypatch, FakeDockerClient(ROOTFUL_INFO, images=images))
    pull_if_missing(IMAGE)
    assert images.pulled == []


def test_missing_image_is_pulled(monkeypatch):
    images = FakeImages()
    engine(monkeypatch, FakeDockerClient(ROOTFUL_INFO, images=images))
    pull_if_missing(IMAGE)
    assert images.pulled == [IMAGE]


@pytest.mark.parametrize(
    "refusal",
    [
        docker.errors.ImageNotFound("pull access denied for postgres, repository does not exist"),
        docker.errors.APIError("toomanyrequests: You have reached your pull rate limit"),
    ],
    ids=["denied", "rate-limited"],
)
def test_refused_pull_says_which_image_and_what_to_try(monkeypatch, refusal):
    engine(monkeypatch, FakeDockerClient(ROOTFUL_INFO, images=FakeImages(pull_error=refusal)))
    with pytest.raises(ImagePullError) as raised:
        pull_if_missing(IMAGE)
    message = str(raised.value)
    assert message.startswith(f"pulling the image {IMAGE} failed: ")
    assert str(refusal).splitlines()[0] in message
    assert f"Hint: try `docker pull {IMAGE}`" in message


def test_unreachable_engine_is_a_docker_error_with_a_hint(monkeypatch):
    engine(monkeypatch, error=docker.errors.DockerException("Error while fetching server API version"))
    with pytest.raises(DockerError, match=r"looking for the image postgres:17.4 failed: .*Hint: .*docker info"):
        pull_if_missing(IMAGE)


@pytest.mark.parametrize(
    "failure",
    [TimeoutError("Container did not emit logs containing .* Started!"), ConnectionRefusedError(111, "refused")],
    ids=["never-started", "unreachable"],
)
def test_reaper_failure_is_told_apart_from_the_container_s(monkeypatch, failure):
    # GIVEN testcontainers' Ryuk that never comes up (as on a rootless engine whose socket it cannot mount)
    monkeypatch.setattr(testcontainers_config, "ryuk_disabled", False)

    def reaper_that_fails():
        raise failure

    monkeypatch.setattr(Reaper, "get_instance", staticmethod(reaper_that_fails))
    # THEN the error names Ryuk, not Postgres or Hasura, and what to set
    with pytest.raises(DockerError, match=r"starting testcontainers' Ryuk failed: .*Hint: .*TESTCONTAINERS_RYUK"):
        start_reaper()


def test_reaper_disabled_is_not_started(monkeypatch):
    monkeypatch.setattr(testcontainers_config, "ryuk_disabled", True)
    monkeypatch.setattr(Reaper, "get_instance", staticmethod(lambda: pytest.fail("Ryuk started although disabled")))
    start_reaper()


def test_postgres_readiness_timeout_is_a_start_error_with_a_hint(monkeypatch):
    # GIVEN a Postgres container that never accepts queries (testcontainers gives up with TimeoutError)
    recording = recording_container_class(TimeoutError("Command execution did not succeed within 120.000 seconds"))
    monkeypatch.setattr(testcontainers.community.postgres, "PostgresContainer", recording)
    monkeypatch.setattr(postgres, "prepare_to_run", lambda image: None)
    provider = postgres.ContainerPostgres(ACCESS)
    # WHEN it starts, THEN the error says which part, what testcontainers saw, and what to do
    with pytest.raises(StackStartError, match=r"(?s)Postgres \(postgres:17.4\) did not accept queries.*120.000.*Hint"):
        provider.start()
    # AND the half-started container is still there to remove
    provider.stop()
    assert recording.built[0].stopped


@pytest.mark.parametrize(
    ("provider", "container_module", "class_name"),
    [
        (lambda: postgres.ContainerPostgres(ACCESS), testcontainers.community.postgres, "PostgresContainer"),
        (lambda: HasuraContainer(18080, CONFIG, ACCESS), testcontainers.core.container, "DockerContainer"),
    ],
    ids=["postgres", "hasura"],
)
def test_engine_failing_to_start_a_container_is_a_docker_error(monkeypatch, provider, container_module, class_name):
    recording = recording_container_class(docker.errors.APIError("driver failed programming external connectivity"))
    monkeypatch.setattr(container_module, class_name, recording)
    monkeypatch.setattr("phenom_stack.postgres.prepare_to_run", lambda image: None)
    monkeypatch.setattr("phenom_stack.hasura_container.prepare_to_run", lambda image: None)
    with pytest.raises(DockerError, match=r"starting the .* container \(.*\) failed: driver failed.*Hint"):
        provider().start()


def test_up_prints_a_docker_failure_as_one_message_not_a_traceback(monkeypatch, capsys):
    # GIVEN an engine that answered the ping but fails the next call
    monkeypatch.setattr(docker_engine, "docker_engine_answers", lambda: True)
    engine(monkeypatch, error=docker.errors.DockerException("Error while fetching server API version: EOF"))
    # The signal handlers `up` installs would outlive the test in pytest's own process.
    monkeypatch.setattr(cli, "stop_on_signals", lambda: None)
    # WHEN `phenom-stack up --stack docker` runs
    assert cli.main(["up", "--stack", "docker"]) == 1
    # THEN stderr holds one line: what failed, the engine's answer, and a hint
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("phenom-stack: asking the Docker engine how its containers reach this host failed: ")
    assert "Error while fetching server API version: EOF" in line
    assert "Hint: " in line
    assert "Traceback" not in line


def test_every_docker_failure_is_a_stack_error():
    assert issubclass(ImagePullError, DockerError)
    assert issubclass(DockerError, StackError)
