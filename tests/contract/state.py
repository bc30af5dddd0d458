"""What the backend has stored, read straight from its stores: the rows a refusal must not touch and
every object version in the media bucket."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

TABLES = ("users", "phenoms", "phenom_media")


@dataclass(frozen=True)
class StoreState:
    """Every row of TABLES (as text) and every object version and delete marker in the media bucket."""

    rows: tuple[tuple[str, frozenset[tuple[str, str]]], ...]
    objects: frozenset[tuple[str, str, str]]

    def changes_since(self, before: StoreState) -> str:
        """What differs from `before`, one line per row or object version; empty when nothing does."""
        lines = []
        for (table, now_rows), (_, then_rows) in zip(self.rows, before.rows, strict=True):
            now, then = dict(now_rows), dict(then_rows)
            lines += [f"{table}: added row {row_id}" for row_id in sorted(now.keys() - then.keys())]
            lines += [f"{table}: removed row {row_id}" for row_id in sorted(then.keys() - now.keys())]
            changed = sorted(row_id for row_id in now.keys() & then.keys() if now[row_id] != then[row_id])
            lines += [f"{table}: changed row {row_id}" for row_id in changed]
        added, removed = sorted(self.objects - before.objects), sorted(before.objects - self.objects)
        lines += [f"s3: added {key} version {version} ({what})" for key, version, what in added]
        lines += [f"s3: removed {key} version {version} ({what})" for key, version, what in removed]
        return "\n".join(lines)


def _table_rows(connection: psycopg.Connection, table: str) -> frozenset[tuple[str, str]]:
    # Every column is read as text so rows compare and hash the same however psycopg maps the types.
    query = sql.SQL("SELECT t::text, t.id::text FROM public.{} AS t").format(sql.Identifier(table))
    return frozenset((row_id, row_text) for row_text, row_id in connection.execute(query))


def _object_versions(s3_client, bucket: str) -> frozenset[tuple[str, str, str]]:
    found = set()
    for page in s3_client.get_paginator("list_object_versions").paginate(Bucket=bucket):
        found |= {(item["Key"], item["VersionId"], f"etag {item['ETag']}") for item in page.get("Versions", [])}
        found |= {(item["Key"], item["VersionId"], "delete marker") for item in page.get("DeleteMarkers", [])}
    return frozenset(found)


def read_store_state(database_url: str, s3_client, bucket: str) -> StoreState:
    """The stores as they are now: rows of TABLES in the database and every version in `bucket`."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = tuple((table, _table_rows(connection, table)) for table in TABLES)
    return StoreState(rows=rows, objects=_object_versions(s3_client, bucket))


def changes_made_by(action: Callable[[], object], database_url: str, s3_client, bucket: str) -> str:
    """What running `action` changed in the stores, one line per row or object version; empty when nothing."""
    before = read_store_state(database_url, s3_client, bucket)
    action()
    return read_store_state(database_url, s3_client, bucket).changes_since(before)
