"""Build dist/lambdas/<name>.zip for each Lambda (`phenom-build-lambdas`, `python -m lambdas.build`)."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lambdas.registry import LAMBDAS

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DEFAULT_OUT_DIR = REPO_ROOT / "dist" / "lambdas"
DEFAULT_CACHE_DIR = REPO_ROOT / "dist" / ".cache"
LAMBDA_NAMES = tuple(function.package for function in LAMBDAS)
# Every Lambda imports these besides its own package: its config reads its variable names from the registry.
SHARED_SOURCES = ("__init__.py", "registry.py")
REQUIREMENTS_FILE = "requirements.txt"
# The Lambda python3.12 runtime (Amazon Linux 2023, x86_64).
PIP_PLATFORM_ARGS = (
    "--only-binary=:all:",
    "--platform",
    "manylinux2014_x86_64",
    "--implementation",
    "cp",
    "--python-version",
    "3.12",
)
# The runtime provides the AWS SDK; a bundled copy would only grow the zip and shadow the runtime's.
FORBIDDEN_PACKAGES = ("boto3", "botocore", "s3transfer")
_SKIPPED_SOURCE_DIRS = frozenset({"__pycache__", "tests"})
# pip's console scripts (bin/) are of no use inside a Lambda.
_SKIPPED_DEPENDENCY_DIRS = frozenset({"__pycache__", "bin"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


class BuildError(Exception):
    """A Lambda zip could not be built; the message says which step failed and what to check."""


@dataclass(frozen=True)
class BuiltZip:
    """One built zip and its size."""

    path: Path
    size_bytes: int

    def describe(self) -> str:
        """One line: file name, bytes and MiB."""
        return f"{self.path.name:<26} {self.size_bytes:>10} bytes  {self.size_bytes / 2**20:6.2f} MiB"


def build_lambda(name: str, out_dir: Path = DEFAULT_OUT_DIR, cache_dir: Path = DEFAULT_CACHE_DIR) -> BuiltZip:
    """Zip one Lambda: the `lambdas/` package path with only its own code, plus its pinned deps at the root."""
    if name not in LAMBDA_NAMES:
        raise BuildError(f"unknown Lambda {name!r}: choose one of {', '.join(LAMBDA_NAMES)}")
    files = dict(_source_files(name))
    dependencies = installed_dependencies(name, cache_dir)
    if dependencies is not None:
        files.update(_tree_files(dependencies, Path(), _SKIPPED_DEPENDENCY_DIRS))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.zip"
    _write_zip(path, files)
    return BuiltZip(path=path, size_bytes=path.stat().st_size)


def build_all(
    names: Sequence[str] = LAMBDA_NAMES, out_dir: Path = DEFAULT_OUT_DIR, cache_dir: Path = DEFAULT_CACHE_DIR
) -> list[BuiltZip]:
    """Zip every Lambda in `names`."""
    return [build_lambda(name, out_dir, cache_dir) for name in names]


def requirements_path(name: str) -> Path | None:
    """The Lambda's pinned requirements file, or None when it bundles no third-party package."""
    path = PACKAGE_DIR / name / REQUIREMENTS_FILE
    if not path.is_file() or not any(line.split("#")[0].strip() for line in path.read_text().splitlines()):
        return None
    return path


def dependencies_dir(name: str, cache_dir: Path = DEFAULT_CACHE_DIR) -> Path | None:
    """Where the Lambda's installed deps are cached: keyed by its requirements and the target platform."""
    requirements = requirements_path(name)
    return None if requirements is None else _cache_entry(name, requirements, cache_dir)


def installed_dependencies(name: str, cache_dir: Path = DEFAULT_CACHE_DIR) -> Path | None:
    """The directory holding the Lambda's deps, installed with pip on a cache miss; None when it has none."""
    requirements = requirements_path(name)
    if requirements is None:
        return None
    target = _cache_entry(name, requirements, cache_dir)
    if target.is_dir():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=cache_dir))
    try:
        _pip_install(requirements, staging)
        bundled_sdk = [package for package in FORBIDDEN_PACKAGES if (staging / package).exists()]
        if bundled_sdk:
            raise BuildError(
                f"{name}'s requirements pull in {', '.join(bundled_sdk)}: drop what depends on the AWS SDK"
            )
        # Renamed into place only when complete, so an interrupted build never leaves a half-filled cache entry.
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _cache_entry(name: str, requirements: Path, cache_dir: Path) -> Path:
    digest = hashlib.sha256(requirements.read_bytes() + " ".join(PIP_PLATFORM_ARGS).encode()).hexdigest()[:16]
    return cache_dir / f"{name}-{digest}"


def _pip_install(requirements: Path, target: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",
        "--disable-pip-version-check",
        *PIP_PLATFORM_ARGS,
        "--target",
        str(target),
        "--requirement",
        str(requirements),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BuildError(
            f"pip could not install {requirements.relative_to(REPO_ROOT)} for the Lambda platform "
            f"(exit {result.returncode}): {' | '.join(detail)}. "
            "Check that PyPI is reachable and that every pin has a manylinux wheel for CPython 3.12."
        )


def _source_files(name: str) -> Iterator[tuple[str, Path]]:
    """(archive name, file) for lambdas/__init__.py, lambdas/registry.py, lambdas/shared/ and lambdas/<name>/."""
    for filename in SHARED_SOURCES:
        yield f"lambdas/{filename}", PACKAGE_DIR / filename
    for part in ("shared", name):
        yield from (
            (archive_name, path)
            for archive_name, path in _tree_files(PACKAGE_DIR / part, Path("lambdas") / part, _SKIPPED_SOURCE_DIRS)
            if path.name != REQUIREMENTS_FILE
        )


def _tree_files(root: Path, prefix: Path, skipped_dirs: frozenset[str]) -> Iterator[tuple[str, Path]]:
    for directory, subdirectories, filenames in os.walk(root):
        subdirectories[:] = [sub for sub in subdirectories if sub not in skipped_dirs]
        for filename in filenames:
            if filename.endswith(_SKIPPED_SUFFIXES):
                continue
            path = Path(directory) / filename
            yield (prefix / path.relative_to(root)).as_posix(), path


def _write_zip(path: Path, files: dict[str, Path]) -> None:
    """A zip whose bytes depend only on the files' names and contents: sorted, fixed times and modes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for archive_name in sorted(files):
            info = zipfile.ZipInfo(archive_name, date_time=_ZIP_TIMESTAMP)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[archive_name].read_bytes(), compresslevel=9)


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: build the zips, print their sizes; exit 1 with the reason when a build fails."""
    parser = argparse.ArgumentParser(prog="phenom-build-lambdas", description="Build one zip per Lambda for Terraform.")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT_DIR, help="directory for the zips (default dist/lambdas)"
    )
    parser.add_argument("--only", choices=LAMBDA_NAMES, action="append", help="build only this Lambda (repeatable)")
    args = parser.parse_args(argv)
    try:
        for built in build_all(args.only or LAMBDA_NAMES, args.out):
            print(built.describe())
    except BuildError as error:
        print(f"phenom-build-lambdas: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
