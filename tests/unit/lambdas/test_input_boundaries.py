"""Inputs exactly at each limit, and cuts that land on an edge character: a limit off by one, or a strip from the
wrong end, changes these answers."""

from __future__ import annotations

import pytest

from lambdas.action_handler.filenames import MAX_EXTENSION_CHARS, MAX_NAME_CHARS, sanitise_filename
from lambdas.action_handler.validation import MAX_FILENAME_CHARS, MAX_FILES, new_phenom
from tests.kit.events import action_body, function_url_event, handler_reply

pytestmark = pytest.mark.unit


def _create_input(filenames: list[str]) -> dict:
    return {"input": {"lat": 1.0, "lng": 2.0, "filenames": filenames, "media_type": "image"}}


def test_a_name_of_exactly_the_limit_is_kept_whole():
    name = "a" * (MAX_NAME_CHARS - 5) + "-.jpg"
    assert sanitise_filename(name) == name


@pytest.mark.parametrize(
    "name, expected",
    [
        # no extension: the cut at the limit lands just after a dash, which is dropped from the end
        ("a" * (MAX_NAME_CHARS - 1) + "-" + "b" * 10, "a" * (MAX_NAME_CHARS - 1)),
        # a short extension is kept, and the stem cut before it loses its trailing dash
        ("a" * (MAX_NAME_CHARS - 5) + "-" + "b" * 10 + ".jpg", "a" * (MAX_NAME_CHARS - 5) + ".jpg"),
        # the extension is what follows the last dot, not the first
        ("a.b" + "c" * 200 + ".jpg", ("a.b" + "c" * 200)[: MAX_NAME_CHARS - 4] + ".jpg"),
        # an extension of exactly the extension limit is still kept
        (
            "a" * 200 + "." + "e" * MAX_EXTENSION_CHARS,
            "a" * (MAX_NAME_CHARS - MAX_EXTENSION_CHARS - 1) + "." + "e" * MAX_EXTENSION_CHARS,
        ),
    ],
    ids=["no-extension", "short-extension", "last-dot", "extension-at-limit"],
)
def test_long_names_are_cut_at_the_limit(name, expected):
    assert sanitise_filename(name) == expected


def test_exactly_the_most_files_each_of_the_longest_name_are_accepted():
    filenames = ["f" * MAX_FILENAME_CHARS] * MAX_FILES
    assert new_phenom(_create_input(filenames)).filenames == tuple(filenames)


def test_an_empty_action_name_is_a_bad_request(action_services, id_token):
    status, error = handler_reply(function_url_event(action_body("", {}), id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "bad-request")


def test_an_unknown_action_is_named_by_its_first_64_characters(action_services, id_token):
    status, error = handler_reply(function_url_event(action_body("x" * 100, {}), id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "not-supported")
    assert error["message"].startswith(f"action {'x' * 64!r} is not served by this handler")
