"""The Postgres catalog the engine builds its schema from: tables, columns, keys and constraints."""

from __future__ import annotations

from dataclasses import dataclass, field

# One round trip: every user table/view with its columns and constraints, as JSON.
CATALOG_SQL = """
SELECT coalesce(json_agg(json_build_object(
  'schema', n.nspname,
  'name', c.relname,
  'kind', c.relkind,
  'columns', (
    SELECT coalesce(json_agg(json_build_object(
      'name', a.attname,
      'type', t.typname,
      'sql_type', format_type(a.atttypid, a.atttypmod),
      'nullable', NOT a.attnotnull,
      'has_default', a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> ''
    ) ORDER BY a.attnum), '[]'::json)
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  ),
  'constraints', (
    SELECT coalesce(json_agg(json_build_object(
      'name', con.conname,
      'type', con.contype,
      'columns', (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num),
      'ref_schema', rn.nspname,
      'ref_table', rc.relname,
      'ref_columns', (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num)
    ) ORDER BY con.conname), '[]'::json)
    FROM pg_constraint con
    LEFT JOIN pg_class rc ON rc.oid = con.confrelid
    LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE con.conrelid = c.oid AND con.contype IN ('p', 'u', 'f')
  )
)), '[]'::json)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'hdb_catalog')
  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
"""


@dataclass(frozen=True)
class Column:
    """A table column: `type` is the pg_type name (uuid, int4, _text), `sql_type` what casts use."""

    name: str
    type: str
    sql_type: str
    nullable: bool
    has_default: bool


@dataclass(frozen=True)
class Constraint:
    """A primary key ('p'), unique ('u') or foreign key ('f') constraint."""

    name: str
    type: str
    columns: tuple[str, ...]
    ref_table: tuple[str, str] | None = None
    ref_columns: tuple[str, ...] = ()


@dataclass
class Table:
    """A table or view as the catalog describes it."""

    schema: str
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)

    @property
    def primary_key(self) -> tuple[str, ...]:
        return next((con.columns for con in self.constraints if con.type == "p"), ())

    @property
    def unique_constraints(self) -> list[Constraint]:
        """Constraints an `on_conflict` can name: the primary key and unique constraints."""
        return [con for con in self.constraints if con.type in ("p", "u")]

    @property
    def foreign_keys(self) -> list[Constraint]:
        return [con for con in self.constraints if con.type == "f"]


Catalog = dict[tuple[str, str], Table]


def catalog_from_rows(rows: list[dict]) -> Catalog:
    """Build the catalog from the JSON CATALOG_SQL returns."""
    catalog: Catalog = {}
    for row in rows:
        table = Table(row["schema"], row["name"])
        for column in row["columns"]:
            table.columns[column["name"]] = Column(**column)
        for con in row["constraints"]:
            ref = (con["ref_schema"], con["ref_table"]) if con["type"] == "f" else None
            table.constraints.append(
                Constraint(con["name"], con["type"], tuple(con["columns"] or ()), ref, tuple(con["ref_columns"] or ()))
            )
        catalog[(table.schema, table.name)] = table
    return catalog


def read_catalog(connection) -> Catalog:
    """Introspect the database behind `connection` (inside its current transaction)."""
    return catalog_from_rows(connection.execute(CATALOG_SQL).fetchone()[0])
