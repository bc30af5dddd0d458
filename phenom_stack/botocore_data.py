"""botocore's data (the services it knows, their JSON models, endpoints.json) read once per process, not per session.

botocore caches what it reads in each session's loader, and a session's clients share it. moto's server makes
loaders and sessions of its own for each service's first request (to list the service's regions, to load its model),
and each listed botocore's 400-odd service folders and parsed the files again: some 20 ms of the pool's creation, on
the stack's critical path. The in-process `mock_aws` of the unit tests gives every test a fresh session, which made
that most of a test's time. While `botocore_data_read_once()` is active, every loader of the process shares one copy
of each file it parsed and of each listing, as one session's clients already do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import botocore.loaders


@contextmanager
def botocore_data_read_once() -> Iterator[None]:
    """While active, botocore parses each data file and lists each data folder once for the whole process."""
    parsed: dict[str, Any] = {}
    listed: dict[tuple[tuple[str, ...], str], list[str]] = {}
    lock = threading.Lock()
    parse = botocore.loaders.JSONFileLoader.load_file
    list_services = botocore.loaders.Loader.list_available_services

    def load_file(loader: botocore.loaders.JSONFileLoader, file_path: str) -> Any:
        with lock:
            if file_path not in parsed:
                parsed[file_path] = parse(loader, file_path)
            return parsed[file_path]

    def list_available_services(loader: botocore.loaders.Loader, type_name: str) -> list[str]:
        where = (tuple(loader.search_paths), type_name)
        with lock:
            if where not in listed:
                listed[where] = list_services(loader, type_name)
            return listed[where]

    with (
        mock.patch.object(botocore.loaders.JSONFileLoader, "load_file", load_file),
        mock.patch.object(botocore.loaders.Loader, "list_available_services", list_available_services),
    ):
        yield
