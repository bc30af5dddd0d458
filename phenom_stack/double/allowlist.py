"""Hasura's allow-list: with HASURA_GRAPHQL_ENABLE_ALLOWLIST=true, a non-admin request runs only if its query is one
of the metadata's query collections that the allowlist names for every role (scope global, the default) or for the
request's role; anything else is refused as `validation-failed: query is not allowed`. Queries are compared as
parsed documents, so whitespace, commas and comments do not matter. Admin requests are never checked.
"""

from __future__ import annotations

import functools

from graphql import GraphQLError, parse, print_ast

from phenom_stack.double.errors import validation_failed

ENABLE_VARIABLE = "HASURA_GRAPHQL_ENABLE_ALLOWLIST"
NOT_ALLOWED = "query is not allowed"


def allowlist_enabled(env: dict[str, str]) -> bool:
    return env.get(ENABLE_VARIABLE, "false").strip().lower() == "true"


def check_allowed(metadata: dict, role: str, query: str) -> None:
    """Raise validation-failed unless query is in a collection the allowlist grants to role."""
    if normalised(query) not in _allowed(_granted_queries(metadata, role)):
        raise validation_failed(NOT_ALLOWED)


def normalised(query: str) -> str:
    """The query as its parsed document prints (the text itself when it does not parse)."""
    try:
        return print_ast(parse(query))
    except GraphQLError:
        return query.strip()


def _granted_queries(metadata: dict, role: str) -> tuple[str, ...]:
    collections = {collection.get("name"): collection for collection in metadata.get("query_collections") or []}
    granted = []
    for entry in metadata.get("allowlist") or []:
        scope = entry.get("scope") or {"global": True}
        if scope.get("global", False) or role in (scope.get("roles") or []):
            collection = collections.get(entry.get("collection")) or {}
            granted.extend(query["query"] for query in (collection.get("definition") or {}).get("queries") or [])
    return tuple(granted)


@functools.lru_cache(maxsize=64)
def _allowed(queries: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalised(query) for query in queries)
