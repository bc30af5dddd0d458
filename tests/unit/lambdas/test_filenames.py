"""The filename sanitiser: whatever the client sends, the key stays one plain name under media/<phenomId>/."""

from __future__ import annotations

import re
import uuid

import pytest

from lambdas.action_handler.filenames import MAX_NAME_CHARS, media_key, sanitise_filename, stored_filename

pytestmark = pytest.mark.unit

HOSTILE_NAMES = {
    "parent-traversal": "../../etc/passwd",
    "windows-traversal": "..\\..\\windows\\system32\\config",
    "absolute-path": "/etc/shadow",
    "trailing-slash": "photos/",
    "nul-byte": "evil\x00.jpg",
    "control-chars": "a\x01b\x1fc\x7f.png",
    "rtl-override": "photo\u202egpj.exe",
    "zero-width": "pho\u200bto.jpg",
    "fullwidth-dots-and-solidus": "\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fetc\uff0fpasswd",
    "thousand-chars": "x" * 996 + ".jpg",
    "thousand-chars-no-extension": "y" * 1000,
    "empty": "",
    "dot": ".",
    "dot-dot": "..",
    "only-separators": "/../\\..",
    "hidden-file": ".bashrc",
    "dash-option": "-rf",
    "spaces-and-accents": "my holiday résumé.jpeg",
    "cjk": "写真.png",
    "percent-encoded": "%2e%2e%2fetc",
    "url": "https://evil.example/x.jpg?y=1#z",
}
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


@pytest.mark.parametrize("case", HOSTILE_NAMES)
def test_key_stays_one_safe_name_under_the_phenom_prefix(case):
    phenom_id = str(uuid.uuid4())
    key = media_key(phenom_id, 3, HOSTILE_NAMES[case])
    prefix = f"media/{phenom_id}/"
    assert key.startswith(prefix)
    name = key[len(prefix) :]
    assert "/" not in name and "\\" not in name
    assert name.startswith(f"3_{phenom_id}_")
    assert SAFE_NAME.match(sanitise_filename(HOSTILE_NAMES[case]))
    assert len(sanitise_filename(HOSTILE_NAMES[case])) <= MAX_NAME_CHARS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("evil\x00.jpg", "evil.jpg"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fetc\uff0fpasswd", "passwd"),
        ("", "file"),
        (".", "file"),
        ("..", "file"),
        ("photos/", "file"),
        (".bashrc", "bashrc"),
        ("-rf", "rf"),
        ("my holiday résumé.jpeg", "my_holiday_r_sum_.jpeg"),
        ("IMG_0001.JPG", "IMG_0001.JPG"),
        ("a...b", "a.b"),
    ],
    ids=[
        "traversal",
        "absolute",
        "nul",
        "rtl-override",
        "fullwidth",
        "empty",
        "dot",
        "dot-dot",
        "directory-only",
        "hidden",
        "dash",
        "accents",
        "ordinary",
        "dot-run",
    ],
)
def test_sanitised_name(raw, expected):
    assert sanitise_filename(raw) == expected


def test_long_name_is_capped_keeping_its_extension():
    name = sanitise_filename("x" * 996 + ".jpg")
    assert (len(name), name[-4:]) == (MAX_NAME_CHARS, ".jpg")


def test_long_name_with_overlong_extension_is_cut_plainly():
    assert sanitise_filename("a." + "b" * 200) == ("a." + "b" * 200)[:MAX_NAME_CHARS]


def test_stored_filename_keeps_the_name_but_drops_nul():
    assert stored_filename("a\x00b/../c.jpg") == "ab/../c.jpg"


@pytest.mark.parametrize(
    "control",
    ["\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b"],
    ids=["RLO", "LRO", "LRE", "LRI", "RLI", "FSI", "PDI", "LRM", "RLM", "ALM", "ZWSP"],
)
def test_stored_filename_drops_bidi_and_other_invisible_controls(control):
    assert stored_filename(f"photo{control}gpj.exe") == "photogpj.exe"
