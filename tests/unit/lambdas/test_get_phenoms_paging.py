"""getPhenoms' cursor paging through the handler: `before` continues after a page's last row, in the order
created_at desc then id desc, so rows created between pages never shift the pages that follow (the fake Hasura
filters and orders the rows as the GetPhenoms document asks)."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from lambdas.action_handler import page_cursor
from tests.kit.events import action_body, function_url_event, handler_reply

pytestmark = pytest.mark.unit

START = datetime(2026, 1, 1, tzinfo=UTC)


def _row(created_at: datetime, row_id: str | None = None) -> dict:
    return {
        "id": row_id or str(uuid.uuid4()),
        "lat": 0.0,
        "lng": 0.0,
        "media_type": "image",
        "created_at": created_at.isoformat(),
        "media": [],
    }


def _sort_key(row: dict) -> tuple[datetime, uuid.UUID]:
    return datetime.fromisoformat(row["created_at"]), uuid.UUID(row["id"])


class KeysetTable:
    """The owner's rows, answered as Hasura answers GetPhenoms: newest first, after the cursor's row when asked."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def answer(self, variables: dict) -> tuple[int, dict]:
        rows = self.rows
        for condition in variables.get("older", []):
            older, tie = condition["_or"]
            cursor = (datetime.fromisoformat(older["created_at"]["_lt"]), uuid.UUID(tie["id"]["_lt"]))
            assert tie["created_at"]["_eq"] == older["created_at"]["_lt"]
            rows = [row for row in rows if _sort_key(row) < cursor]
        return 200, {"data": {"phenoms": self.newest_first(rows)[: variables["limit"]]}}

    @staticmethod
    def newest_first(rows: list[dict]) -> list[dict]:
        return sorted(rows, key=_sort_key, reverse=True)


@pytest.fixture
def keyset_table(fake_hasura) -> KeysetTable:
    """Seven rows in the fake Hasura, two of them created in the same microsecond (ties broken by id)."""
    rows = [_row(START + timedelta(seconds=second)) for second in range(5)]
    rows += [_row(START + timedelta(seconds=2)), _row(START + timedelta(seconds=2))]
    table = KeysetTable(rows)
    fake_hasura.answer("GetPhenoms", table.answer)
    return table


def _page(token: str, **arguments) -> list[dict]:
    status, body = handler_reply(function_url_event(action_body("getPhenoms", arguments), token))
    assert status == 200, body
    return body


def test_every_row_has_a_cursor_naming_its_place(action_services, keyset_table, id_token):
    for phenom in _page(id_token.token, limit=3):
        assert page_cursor.decode(phenom["cursor"]) == (phenom["created_at"], phenom["id"])


def test_before_asks_for_the_rows_after_the_cursors_row(action_services, fake_hasura, keyset_table, id_token):
    last = _page(id_token.token, limit=2)[-1]
    _page(id_token.token, limit=2, before=last["cursor"])
    assert fake_hasura.operations() == ["GetPhenoms", "GetPhenoms"]
    assert fake_hasura.calls[1].variables == {
        "ownerId": id_token.sub,
        "limit": 2,
        "older": [
            {
                "_or": [
                    {"created_at": {"_lt": last["created_at"]}},
                    {"created_at": {"_eq": last["created_at"]}, "id": {"_lt": last["id"]}},
                ]
            }
        ],
    }


def test_paging_with_new_rows_arriving_skips_and_repeats_nothing(action_services, keyset_table, id_token):
    # GIVEN the rows there are when the client starts paging, newest first
    expected = [row["id"] for row in KeysetTable.newest_first(keyset_table.rows)]
    seen, before = [], None
    # WHEN it pages two at a time while a new row is created before every page
    for page_number in range(10):
        keyset_table.rows.append(_row(START + timedelta(days=1, seconds=page_number)))
        page = _page(id_token.token, limit=2, **({"before": before} if before else {}))
        if not page:
            break
        seen += [phenom["id"] for phenom in page[1 if page_number == 0 else 0 :]]
        before = page[-1]["cursor"]
    # THEN after the first page's newest row (created after the start), every older row came once, in order
    assert seen == expected


@pytest.mark.parametrize(
    "before",
    [
        "not base64!",
        page_cursor.encode(page_cursor.PagePosition("yesterday", str(uuid.uuid4()))),
        page_cursor.encode(page_cursor.PagePosition("2026-01-01T00:00:00", str(uuid.uuid4()))),
        page_cursor.encode(page_cursor.PagePosition("2026-01-01T00:00:00+00:00", "not-a-uuid")),
        12,
    ],
    ids=["not-base64", "not-a-time", "no-time-zone", "not-a-uuid", "not-a-string"],
)
def test_a_cursor_getphenoms_did_not_make_is_refused_before_any_query(action_services, fake_hasura, id_token, before):
    status, error = handler_reply(function_url_event(action_body("getPhenoms", {"before": before}), id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "validation-failed")
    assert error["message"] == "before must be the cursor of a row returned by getPhenoms"
    assert fake_hasura.calls == []


def test_a_cursor_is_the_base64url_of_the_compact_json_pair():
    # Clients carry the cursor in URLs and requests: no padding of spaces, and only URL-safe characters.
    row_id = "0b8e3f5e-6c1a-4f8e-9d1e-2a7c5b9e0f11"
    cursor = page_cursor.encode(page_cursor.PagePosition("2026-01-01T00:00:00+00:00", row_id))
    assert base64.urlsafe_b64decode(cursor) == f'["2026-01-01T00:00:00+00:00","{row_id}"]'.encode()
