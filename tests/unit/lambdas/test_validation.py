"""Action inputs are checked before anything is written, and each refusal names the field."""

from __future__ import annotations

import uuid

import pytest

from lambdas.action_handler.errors import ValidationFailed
from lambdas.action_handler.validation import DEFAULT_LIMIT, NewPhenom, new_phenom, phenom_id, phenoms_limit

pytestmark = pytest.mark.unit


def _create_input(**fields):
    values = {"lat": 51.5, "lng": -0.12, "filenames": ["a.jpg"], "media_type": "image"}
    values.update(fields)
    return {"input": values}


def test_valid_create_input():
    assert new_phenom(_create_input(lat=-90, lng=180, filenames=["a", "b"], media_type="audio")) == NewPhenom(
        lat=-90.0, lng=180.0, filenames=("a", "b"), media_type="audio"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lat", 90.0001),
        ("lat", -91),
        ("lat", float("nan")),
        ("lat", float("inf")),
        ("lat", True),
        ("lat", "10"),
        ("lat", None),
        ("lat", 10**400),
        ("lng", 180.5),
        ("lng", float("-inf")),
        ("lng", False),
        ("lng", [1]),
        ("filenames", []),
        ("filenames", [""]),
        ("filenames", ["  "]),
        ("filenames", ["f"] * 11),
        ("filenames", "a.jpg"),
        ("filenames", ["a", 3]),
        ("filenames", ["x" * 1025]),
        ("media_type", "document"),
        ("media_type", None),
        ("media_type", ["image"]),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) or len(value) > 12 else value,
)
def test_bad_create_field_is_refused_naming_it(field, value):
    with pytest.raises(ValidationFailed) as refused:
        new_phenom(_create_input(**{field: value}))
    assert (refused.value.status, refused.value.code) == (400, "validation-failed")
    assert f"input.{field}" in refused.value.message


@pytest.mark.parametrize("action_input", [{}, {"input": None}, {"input": [1]}], ids=["absent", "null", "list"])
def test_create_input_object_is_required(action_input):
    with pytest.raises(ValidationFailed, match="input must be an object"):
        new_phenom(action_input)


@pytest.mark.parametrize(
    ("action_input", "expected"),
    [({}, DEFAULT_LIMIT), ({"limit": None}, DEFAULT_LIMIT), ({"limit": 1}, 1), ({"limit": 100}, 100)],
)
def test_limit_default_and_bounds(action_input, expected):
    assert phenoms_limit(action_input) == expected


@pytest.mark.parametrize(
    "limit", [0, 101, -5, True, "5", 5.0], ids=["zero", "101", "negative", "bool", "string", "float"]
)
def test_bad_limit_is_refused(limit):
    with pytest.raises(ValidationFailed, match="limit"):
        phenoms_limit({"limit": limit})


def test_phenom_id_is_canonicalised():
    value = uuid.uuid4()
    assert phenom_id({"phenomId": str(value).upper()}) == str(value)


@pytest.mark.parametrize("value", [None, "", "not-a-uuid", 42, "../x"], ids=["none", "empty", "word", "int", "path"])
def test_bad_phenom_id_is_refused(value):
    with pytest.raises(ValidationFailed, match="phenomId"):
        phenom_id({"phenomId": value})


@pytest.mark.parametrize("name", ["\ud800.jpg", "a\udfffb.jpg"], ids=["high", "low"])
def test_a_lone_surrogate_in_a_filename_is_refused(name):
    fields = {"lat": 0, "lng": 0, "filenames": ["ok.jpg", name], "media_type": "image"}
    with pytest.raises(ValidationFailed, match=r"input.filenames\[1\] holds a lone UTF-16 surrogate"):
        new_phenom({"input": fields})


def test_a_filename_of_only_invisible_characters_is_refused():
    with pytest.raises(ValidationFailed, match=r"input.filenames\[0\] must be a string"):
        new_phenom({"input": {"lat": 0, "lng": 0, "filenames": ["\u202e\u200b"], "media_type": "image"}})


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        (lambda: new_phenom({"input": None}), "input must be an object with lat, lng, filenames and media_type"),
        (lambda: new_phenom(_create_input(lat=91)), "input.lat must be a finite number from -90 to 90"),
        (lambda: new_phenom(_create_input(lng=-181)), "input.lng must be a finite number from -180 to 180"),
        (lambda: new_phenom(_create_input(filenames=[])), "input.filenames must be a list of 1 to 10 names"),
        (
            lambda: new_phenom(_create_input(filenames=["a.jpg", " "])),
            "input.filenames[1] must be a string of at most 1024 characters with a visible one",
        ),
        (lambda: new_phenom(_create_input(media_type="pdf")), "input.media_type must be one of image, video, audio"),
        (lambda: phenoms_limit({"limit": 0}), "limit must be an integer from 1 to 100"),
        (lambda: phenom_id({"phenomId": "x"}), "phenomId must be a uuid"),
    ],
    ids=["input", "lat", "lng", "filenames", "filename", "media_type", "limit", "phenomId"],
)
def test_each_refusal_tells_the_client_what_the_field_must_be(refused, message):
    # Hasura shows the message to the GraphQL client as it is: it is what the app's user reads.
    with pytest.raises(ValidationFailed) as refusal:
        refused()
    assert refusal.value.message == message
