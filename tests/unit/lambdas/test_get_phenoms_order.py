"""Which rows getPhenoms returns once a user has more rows than one page: the newest `limit` of the caller's own,
newest first, ties on created_at broken the same way every time, none skipped and none repeated. The fake Hasura
answers by evaluating the `phenoms` arguments of the document the handler actually sent."""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse, value_from_ast_untyped

from tests.kit.events import action_body, function_url_event, handler_reply

pytestmark = pytest.mark.unit

ROWS_OF_THE_CALLER = 45
# Rows that share a created_at: an order on created_at alone leaves their order to the storage.
SAME_SECOND = 3
_COMPARISONS = {
    "_eq": lambda value, operand: value == operand,
    "_lt": lambda value, operand: value < operand,
    "_lte": lambda value, operand: value <= operand,
    "_gt": lambda value, operand: value > operand,
    "_gte": lambda value, operand: value >= operand,
}


def _row(owner_id: str, second: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "owner_id": owner_id,
        "lat": 0.0,
        "lng": 0.0,
        "media_type": "image",
        "created_at": f"2026-03-01T10:{second // 60:02d}:{second % 60:02d}+00:00",
        "media": [],
    }


def _phenoms_arguments(query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of the `phenoms` field of `query`, variables substituted (a variable not sent takes its default)."""
    operation = next(node for node in parse(query).definitions if isinstance(node, OperationDefinitionNode))
    defaults = {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions
        if definition.default_value is not None
    }
    field = next(
        node
        for node in operation.selection_set.selections
        if isinstance(node, FieldNode) and node.name.value == "phenoms"
    )
    sent = {**defaults, **variables}
    return {argument.name.value: value_from_ast_untyped(argument.value, sent) for argument in field.arguments}


def _matches(row: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    """Whether `row` satisfies the phenoms_bool_exp `where`: columns compared, `_and` and `_or` of lists of them."""
    for column, comparison in where.items():
        if column == "_and":
            if not all(_matches(row, term) for term in comparison):
                return False
            continue
        if column == "_or":
            if not any(_matches(row, term) for term in comparison):
                return False
            continue
        for operator, operand in comparison.items():
            assert operator in _COMPARISONS, f"this evaluator does not know {operator}: teach it before relying on it"
            if not _COMPARISONS[operator](row[column], operand):
                return False
    return True


def _select(table: list[dict[str, Any]], arguments: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What Postgres may answer: matching rows sorted by each order_by term in turn (ties keep storage order)."""
    rows = [row for row in table if _matches(row, arguments.get("where") or {})]
    order_by = arguments.get("order_by") or []
    for term in reversed(order_by if isinstance(order_by, list) else [order_by]):
        ((column, direction),) = term.items()
        rows.sort(key=lambda row, column=column: row[column], reverse=direction.startswith("desc"))
    limit = arguments.get("limit")
    return rows if limit is None else rows[:limit]


@pytest.fixture
def table(id_token) -> list[dict[str, Any]]:
    """The phenoms table: the caller's rows (some created in the same second) and another user's, newer ones."""
    mine = [_row(id_token.sub, second // SAME_SECOND) for second in range(ROWS_OF_THE_CALLER)]
    theirs = [_row(str(uuid.uuid4()), 1000 + second) for second in range(10)]
    return mine + theirs


def _serve(fake_hasura, table: list[dict[str, Any]]) -> None:
    def answer(variables: Mapping[str, Any]) -> tuple[int, Any]:
        sent = fake_hasura.calls[-1]
        rows = _select(table, _phenoms_arguments(sent.query, variables))
        return 200, {"data": {"phenoms": [{k: v for k, v in row.items() if k != "owner_id"} for row in rows]}}

    fake_hasura.answer("GetPhenoms", answer)


def _listed_ids(token: str, limit: int) -> list[str]:
    status, phenoms = handler_reply(function_url_event(action_body("getPhenoms", {"limit": limit}), token))
    assert status == 200, phenoms
    return [phenom["id"] for phenom in phenoms]


def _newest(table: list[dict[str, Any]], owner_id: str, count: int) -> list[str]:
    mine = [row for row in table if row["owner_id"] == owner_id]
    return [row["id"] for row in sorted(mine, key=lambda row: (row["created_at"], row["id"]), reverse=True)][:count]


@pytest.mark.parametrize("limit", [1, 7, 20])
def test_a_page_is_the_callers_newest_rows_newest_first(action_services, fake_hasura, id_token, table, limit):
    _serve(fake_hasura, table)
    assert _listed_ids(id_token.token, limit) == _newest(table, id_token.sub, limit)


def test_a_limit_beyond_the_callers_rows_lists_each_of_them_once(action_services, fake_hasura, id_token, table):
    _serve(fake_hasura, table)
    listed = _listed_ids(id_token.token, 100)
    assert len(listed) == len(set(listed)) == ROWS_OF_THE_CALLER
    assert listed == _newest(table, id_token.sub, ROWS_OF_THE_CALLER)


def test_the_order_does_not_depend_on_how_the_rows_are_stored(action_services, fake_hasura, id_token, table):
    # GIVEN the same rows stored in other orders (what a vacuum or an update does to a heap)
    answers = []
    for seed in range(4):
        shuffled = list(table)
        random.Random(seed).shuffle(shuffled)
        _serve(fake_hasura, shuffled)
        # WHEN the caller lists a page that ends inside a run of rows created in the same second
        answers.append(_listed_ids(id_token.token, 20))
    # THEN every answer is the same, so consecutive pages can neither skip nor repeat a row
    assert all(answer == answers[0] for answer in answers)
    assert answers[0] == _newest(table, id_token.sub, 20)
