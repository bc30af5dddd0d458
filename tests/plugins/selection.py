"""pytest plugin part: with `-m`, test files (and whole folders) that cannot hold a selected test are not imported.

pytest imports and collects every module to deselect most of it; `-m smoke` then pays for importing the whole suite.
A test module gets its markers from `pytest.mark.NAME` written in it (`pytestmark`, decorators, `pytest.param`), in
the `tests` modules it imports (a base class's `pytestmark`) or in a conftest.py above it: no hook of this suite
adds a selecting marker (tests/plugins/hooks.py adds only `skip`, after -m has deselected). So a file whose text,
with those modules', never has `mark.NAME` cannot carry NAME, unless it makes marks from computed names (getattr on
`pytest.mark`, `Mark(...)`), which could be any. The file is skipped only when the expression is false for every
combination of the markers its text does mention; an expression that names anything but a registered marker, or
uses keyword arguments, skips nothing. `--collect-everything` turns the shortcut off (the test comparing both
collections uses it).
"""

from __future__ import annotations

import fnmatch
import itertools
import re
from functools import cache
from pathlib import Path

import pytest
from _pytest.mark.expression import Expression

_MARKER_FILTER = pytest.StashKey["MarkerFilter | None"]()
_EXPRESSION_WORDS = re.compile(r"[^\s()]+")
_OPERATORS = frozenset(("and", "or", "not"))
_DYNAMIC_MARK = re.compile(r"getattr\(\s*(?:pytest\s*\.\s*)?mark\b|\bMarkDecorator\b|\bMark\(|mark\s*\.\s*__getattr__")
_MARK_NAME = re.compile(r"\bmark\s*\.\s*(\w+)")
_TESTS_IMPORT = re.compile(r"^\s*(?:from|import)\s+(tests(?:\.\w+)+)", re.MULTILINE)
# `from tests.kit import marks`: the imported names may be modules too.
_TESTS_FROM_IMPORT = re.compile(r"^\s*from\s+(tests(?:\.\w+)*)\s+import\s+\(?([\w\s,]+)", re.MULTILINE)


class MarkerFilter:
    """Decides, from source text alone, whether a path can hold a test that `-m expression` selects."""

    def __init__(
        self,
        expression: Expression,
        names: frozenset[str],
        rootpath: Path,
        test_paths: list[Path],
        file_patterns: list[str],
    ):
        self._expression = expression
        self._names = names
        self._rootpath = rootpath
        self._test_paths = test_paths
        self._file_patterns = file_patterns
        self._verdicts: dict[Path, bool] = {}

    def cannot_hold_selected(self, path: Path) -> bool:
        if path not in self._verdicts:
            self._verdicts[path] = self._decide(path)
        return self._verdicts[path]

    def _decide(self, path: Path) -> bool:
        if path.is_dir():
            # Only folders of the suite are read: pytest also asks about the rootdir's others (.venv, node_modules).
            if path.name == "__pycache__" or not any(path.is_relative_to(folder) for folder in self._test_paths):
                return False
            candidates = [file for file in path.rglob("*.py") if self._is_test_file(file)]
            return bool(candidates) and all(self.cannot_hold_selected(file) for file in candidates)
        if not self._is_test_file(path):
            return False
        mentioned = {name for source in self._marker_sources(path) for name in _marks_named(source, self._names)}
        return not any(
            self._expression.evaluate(chosen.__contains__)
            for size in range(len(mentioned) + 1)
            for chosen in map(frozenset, itertools.combinations(sorted(mentioned), size))
        )

    def _is_test_file(self, path: Path) -> bool:
        return path.suffix == ".py" and any(fnmatch.fnmatch(path.name, pattern) for pattern in self._file_patterns)

    def _marker_sources(self, path: Path) -> set[Path]:
        """The module and every conftest.py above it, with the `tests` modules they import (transitively)."""
        pending = [path]
        for folder in path.parents:
            if folder == self._rootpath.parent or not folder.is_relative_to(self._rootpath):
                break
            pending.append(folder / "conftest.py")
        sources: set[Path] = set()
        while pending:
            source = pending.pop()
            if source not in sources and _is_file(source):
                sources.add(source)
                pending += _tests_imports(source, self._rootpath)
        return sources


def configure(config: pytest.Config) -> None:
    """Build the run's marker filter, or none when -m is absent, not a plain expression of markers, or disabled."""
    config.stash[_MARKER_FILTER] = _marker_filter(config)


def ignore(collection_path: Path, config: pytest.Config) -> bool | None:
    """True when `collection_path` cannot hold a selected test; None leaves the decision to pytest."""
    marker_filter = config.stash.get(_MARKER_FILTER, None)
    if marker_filter is not None and marker_filter.cannot_hold_selected(collection_path):
        return True
    return None


def _marker_filter(config: pytest.Config) -> MarkerFilter | None:
    markexpr = (config.option.markexpr or "").strip()
    if not markexpr or config.getoption("collect_everything"):
        return None
    registered = frozenset(line.split(":")[0].split("(")[0].strip() for line in config.getini("markers"))
    words = set(_EXPRESSION_WORDS.findall(markexpr)) - _OPERATORS
    if not words <= registered:
        return None
    try:
        expression = Expression.compile(markexpr)
    except SyntaxError:
        return None
    test_paths = [config.rootpath / folder for folder in config.getini("testpaths")]
    return MarkerFilter(expression, frozenset(words), config.rootpath, test_paths, config.getini("python_files"))


@cache
def _marks_named(path: Path, names: frozenset[str]) -> frozenset[str]:
    """Which of `names` the file may mark a test with: `mark.NAME` (pytest.mark.NAME, `from pytest import mark`),
    or all of them when it makes a mark from a computed name."""
    text = _read(path)
    # Every computed-mark form names `getattr` or `Mark`: the substring test spares most files the regex's scan.
    if ("getattr" in text or "Mark" in text) and _DYNAMIC_MARK.search(text):
        return names
    return names & frozenset(_MARK_NAME.findall(text))


@cache
def _tests_imports(source: Path, rootpath: Path) -> tuple[Path, ...]:
    """The files that may hold the `tests` modules `source` imports (a module's file or its package's __init__)."""
    text = _read(source)
    modules = [module.split(".") for module in _TESTS_IMPORT.findall(text)]
    for package, names in _TESTS_FROM_IMPORT.findall(text):
        modules += [[*package.split("."), name] for name in re.findall(r"\w+", names) if name != "as"]
    return tuple(
        candidate
        for parts in modules
        for candidate in (rootpath.joinpath(*parts).with_suffix(".py"), rootpath.joinpath(*parts, "__init__.py"))
    )


@cache
def _is_file(path: Path) -> bool:
    return path.is_file()


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")
