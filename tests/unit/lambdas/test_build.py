"""The Lambda zips: the lambdas/ package path, only the Lambda's own code, its deps, deterministic bytes."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from lambdas import build
from lambdas.build import BuildError, build_lambda, dependencies_dir, main

pytestmark = pytest.mark.unit

TRIGGERS = ("cognito_trigger", "cognito_sync_users")
ACTION_DEPS_NOT_CACHED = (
    "action_handler's dependencies are not in dist/.cache and unit tests stay offline: "
    "run phenom-build-lambdas once (needs PyPI) and this test reuses the cache"
)
ACTION_DEPS_CACHE = dependencies_dir("action_handler")


def _runtime_environment() -> dict[str, str] | None:
    """The environment of the `python -S` that imports an unpacked zip: this one, except under mutmut, whose copy of
    lambdas/ imports mutmut's trampoline in every module; then the directory holding mutmut goes on PYTHONPATH (without
    site, its .pth files and so the editable install of this repository stay unread; a mutant adds no import)."""
    if "mutmut" not in sys.modules:
        return None
    environment = {**os.environ, "PYTHONPATH": str(Path(sys.modules["mutmut"].__file__).parent.parent)}
    if environment.get("MUTANT_UNDER_TEST") == "stats":
        # mutmut's mapping run records calls in its own process; a child would look for mutmut's config and fail.
        environment["MUTANT_UNDER_TEST"] = ""
    return environment


def _names(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.namelist()


@pytest.mark.parametrize("name", TRIGGERS)
def test_trigger_zip_holds_its_package_path_and_nothing_else(tmp_path, name):
    built = build_lambda(name, tmp_path / "out", tmp_path / "cache")
    names = _names(built.path)
    assert built.path == tmp_path / "out" / f"{name}.zip"
    assert built.size_bytes == built.path.stat().st_size
    assert {
        "lambdas/__init__.py",
        "lambdas/registry.py",
        "lambdas/shared/hasura.py",
        f"lambdas/{name}/handler.py",
        f"lambdas/{name}/config.py",
    } <= set(names)
    assert any(entry.startswith(f"lambdas/{name}/graphql/") and entry.endswith(".graphql") for entry in names)
    assert names == sorted(names)
    assert all(
        entry.startswith(("lambdas/__init__.py", "lambdas/registry.py", "lambdas/shared/", f"lambdas/{name}/"))
        for entry in names
    )
    assert not [entry for entry in names if "__pycache__" in entry or entry.endswith(".pyc") or "boto" in entry]
    assert "lambdas/build.py" not in names


@pytest.mark.parametrize("name", TRIGGERS)
def test_trigger_zip_imports_its_handler_and_config_from_the_zip_alone(tmp_path, name):
    # GIVEN the zip unpacked as the Lambda runtime does, with no site-packages (whose editable install of this
    # repository would supply what the zip lacks); the triggers bundle nothing and import boto3 only when called
    with zipfile.ZipFile(build_lambda(name, tmp_path / "out", tmp_path / "cache").path) as archive:
        archive.extractall(tmp_path / "task")
    script = (
        f"import lambdas.{name}.handler as handler, lambdas.{name}.config as config, lambdas; "
        "print(lambdas.__file__); print(callable(handler.handler) and callable(config.load_config))"
    )
    # WHEN its handler and config module are imported
    completed = subprocess.run(
        [sys.executable, "-S", "-c", script],
        cwd=tmp_path / "task",
        env=_runtime_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # THEN every module they import came with the zip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == [str(tmp_path / "task" / "lambdas" / "__init__.py"), "True"]


@pytest.mark.parametrize("name", TRIGGERS)
def test_zip_bytes_are_the_same_across_builds(tmp_path, name):
    first = build_lambda(name, tmp_path / "one", tmp_path / "cache")
    second = build_lambda(name, tmp_path / "two", tmp_path / "cache")
    assert first.path.read_bytes() == second.path.read_bytes()


def test_zip_entries_have_fixed_times_and_modes(tmp_path):
    with zipfile.ZipFile(build_lambda("cognito_trigger", tmp_path, tmp_path / "cache").path) as archive:
        assert {(info.date_time, info.external_attr >> 16) for info in archive.infolist()} == {
            ((1980, 1, 1, 0, 0, 0), 0o100644)
        }


def test_unknown_lambda_is_refused(tmp_path):
    with pytest.raises(BuildError, match="choose one of action_handler"):
        build_lambda("cron_job", tmp_path, tmp_path)


def test_pip_failure_is_reported_with_what_to_check(tmp_path, monkeypatch):
    failed = subprocess.CompletedProcess(
        args=[], returncode=1, stdout="", stderr="ERROR: No matching distribution found for pyjwt"
    )
    monkeypatch.setattr(build.subprocess, "run", lambda *args, **kwargs: failed)
    with pytest.raises(BuildError, match="No matching distribution.*PyPI is reachable"):
        build_lambda("action_handler", tmp_path / "out", tmp_path / "empty-cache")
    assert list((tmp_path / "empty-cache").iterdir()) == []


def test_action_handler_pins_match_the_lambda_extra():
    pyproject = tomllib.loads((build.REPO_ROOT / "pyproject.toml").read_text())
    requirements = build.requirements_path("action_handler").read_text().splitlines()
    assert set(pyproject["project"]["optional-dependencies"]["lambda"]) <= {line.strip() for line in requirements}


def test_cli_builds_only_what_is_asked_and_prints_sizes(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--only", "cognito_trigger"]) == 0
    printed = capsys.readouterr().out
    assert "cognito_trigger.zip" in printed and "bytes" in printed and "MiB" in printed
    assert [path.name for path in tmp_path.iterdir()] == ["cognito_trigger.zip"]


@pytest.mark.skipif(ACTION_DEPS_CACHE is None or not ACTION_DEPS_CACHE.is_dir(), reason=ACTION_DEPS_NOT_CACHED)
def test_action_handler_zip_bundles_jwt_and_crypto_from_the_cache_without_pip(tmp_path, monkeypatch):
    # GIVEN the dependency cache is filled, so pip must not run
    monkeypatch.setattr(build.subprocess, "run", lambda *args, **kwargs: pytest.fail("pip ran despite the cache"))
    # WHEN the action handler is built
    names = _names(build_lambda("action_handler", tmp_path).path)
    # THEN its zip holds its code and its own deps at the root, and no AWS SDK
    assert {"lambdas/action_handler/handler.py", "jwt/__init__.py", "cryptography/__init__.py"} <= set(names)
    assert not [entry for entry in names if entry.split("/")[0] in ("boto3", "botocore", "s3transfer", "bin")]
    assert not [entry for entry in names if entry.startswith(("lambdas/cognito_", "lambdas/build"))]
