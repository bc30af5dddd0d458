"""How Hasura names GraphQL types and fields after Postgres objects."""

from __future__ import annotations

# pg_type name -> GraphQL scalar, as Hasura's mkScalarTypeName does; every other type keeps its
# Postgres name (with pg_type's internal names spelled the way Hasura spells them).
BUILT_IN_SCALARS = {"int4": "Int", "float4": "Float", "text": "String", "varchar": "String", "bool": "Boolean"}
PG_SCALAR_NAMES = {"int2": "smallint", "int8": "bigint", "float8": "float8", "numeric": "numeric"}
GRAPHQL_BUILT_INS = ("Int", "Float", "String", "Boolean", "ID")
NUMERIC_SCALARS = ("Int", "Float", "smallint", "bigint", "float8", "numeric")
TEXT_SCALARS = ("String", "citext", "bpchar")


def scalar_name(pg_type: str) -> str:
    """The GraphQL scalar a column of pg_type `pg_type` has."""
    return BUILT_IN_SCALARS.get(pg_type) or PG_SCALAR_NAMES.get(pg_type, pg_type)


def table_type_name(schema: str, name: str) -> str:
    """`phenoms` for public.phenoms, `<schema>_<table>` for other schemas."""
    return name if schema == "public" else f"{schema}_{name}"


def root_field_names(type_name: str) -> dict[str, str]:
    """Root field name per operation kind for table type `type_name`."""
    return {
        "select": type_name,
        "select_by_pk": f"{type_name}_by_pk",
        "select_aggregate": f"{type_name}_aggregate",
        "insert": f"insert_{type_name}",
        "insert_one": f"insert_{type_name}_one",
        "update": f"update_{type_name}",
        "update_by_pk": f"update_{type_name}_by_pk",
        "delete": f"delete_{type_name}",
        "delete_by_pk": f"delete_{type_name}_by_pk",
    }


def quote_ident(name: str) -> str:
    """A Postgres identifier in double quotes, `%` doubled for psycopg's placeholder syntax."""
    return '"' + name.replace('"', '""').replace("%", "%%") + '"'


def quote_literal(text: str) -> str:
    """A Postgres string literal (standard_conforming_strings on), `%` doubled for psycopg."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def qualified(schema: str, name: str) -> str:
    """`"schema"."name"`."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"
