"""The Hasura engine double: a small GraphQL server that behaves like Hasura v2.48 CE for this project.

It is a test tool driven only by the project's hasura/ metadata and the migrated Postgres; see
`HasuraDouble` for how to start it.
"""

from tests.stack.hasura_double.double import HasuraDouble, HasuraDoubleError

__all__ = ["HasuraDouble", "HasuraDoubleError"]
