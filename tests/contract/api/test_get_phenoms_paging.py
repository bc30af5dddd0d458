"""getPhenoms paging on the local stack, through the engine as role user: a user with more rows than a page
reads every row exactly once, newest first, while new rows keep arriving. The user is the test's own, so no
other test (or pytest-xdist worker) adds rows to what it pages through."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.contract.backend_calls import bearer, create_phenom_as, error_codes, post_graphql
from tests.contract.cleanup import delete_phenom_as
from tests.contract.sign_in import SignedInUser, new_user

pytestmark = pytest.mark.contract

PAGE = """query Page($limit: Int, $before: String) {
  getPhenoms(limit: $limit, before: $before) { id created_at cursor }
}"""
PAGE_SIZE = 2
ROWS_AT_START = 5


@pytest.fixture
def pager(local_stack, cognito_client) -> Iterator[SignedInUser]:
    """A signed-in user of this test's own, with no phenom yet; removed with its rows after."""
    with new_user(local_stack, cognito_client) as user:
        yield user


@pytest.fixture
def created_phenoms(action_url, pager) -> Iterator[list[str]]:
    """A list for the ids of phenoms the test creates for the pager; each is deleted afterwards."""
    created: list[str] = []
    try:
        yield created
    finally:
        for phenom_id in created:
            delete_phenom_as(action_url, pager, phenom_id)


def _rows_newest_first(database_url: str, owner: str) -> list[str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT id::text FROM phenoms WHERE owner_id = %s ORDER BY created_at DESC, id DESC", (owner,)
        ).fetchall()
    return [row[0] for row in rows]


def _page(graphql_url: str, user, before: str | None) -> list[dict]:
    reply = post_graphql(graphql_url, PAGE, {"limit": PAGE_SIZE, "before": before}, authorization=bearer(user.id_token))
    assert "errors" not in reply, f"getPhenoms refused: {error_codes(reply)} {reply['errors']}"
    return reply["data"]["getPhenoms"]


def test_paging_reads_every_row_once_in_order_while_rows_arrive(
    graphql_url, action_url, database_url, pager, created_phenoms
):
    # GIVEN a user with more rows than fit in one page
    for index in range(ROWS_AT_START):
        created_phenoms.append(create_phenom_as(action_url, pager, [f"paging-{index}.jpg"])["phenomId"])
    at_start = _rows_newest_first(database_url, pager.sub)
    assert len(at_start) > PAGE_SIZE
    # WHEN they page through with the cursor of each page's last row, a new row created before every page
    arrived, seen, before = set(), [], None
    for _ in range(len(at_start) // PAGE_SIZE + 2):
        new_id = create_phenom_as(action_url, pager, ["paging-new.jpg"])["phenomId"]
        created_phenoms.append(new_id)
        arrived.add(new_id)
        page = _page(graphql_url, pager, before)
        if not page:
            break
        seen += [row["id"] for row in page]
        before = page[-1]["cursor"]
    else:
        pytest.fail(f"paging did not end after {len(seen)} rows: a page repeats")
    # THEN no row came twice, and the rows there at the start all came, in the order the table holds them
    assert len(seen) == len(set(seen)), f"rows repeated across pages: {seen}"
    assert [row_id for row_id in seen if row_id not in arrived] == at_start
