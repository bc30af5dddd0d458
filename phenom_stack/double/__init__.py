"""The Hasura engine double: a small GraphQL server that behaves like Hasura v2.48 CE for this project.

It is a test tool driven only by the project's hasura/ metadata and the migrated Postgres:

    with HasuraDouble(database_url, admin_secret, jwt_secret_config, env) as double:
        double.url  # POST /v1/graphql (and /v1alpha1/graphql), /v1/metadata, /v1/query, /v2/query; GET /healthz

`jwt_secret_config` is HASURA_GRAPHQL_JWT_SECRET as a dict; `env` is the engine's environment (handler
`{{VAR}}` templates, header `value_from_env`, `from_env` database URLs). Apply migrations and metadata with
phenom_stack.hasura_project, as for the real engine. The stack runs it in a process of its own,
`python -m phenom_stack.double` (phenom_stack.double_process).

`python -m phenom_stack.double.conformance DIR` replays test cases in Hasura's own YAML format against a fresh
double; KNOWN_DIFFERENCES.md beside this file lists where it still answers differently and why.

Not served (Hasura has them; their metadata commands answer `not-supported`): subscriptions (refused over HTTP as
Hasura refuses them), `update_<t>_many`, filtering on an array relationship's aggregates, async actions, remote
schemas, event/cron triggers, computed fields, SQL functions, action transforms, jsonb update operators, custom root
field names, inherited roles, REST endpoints, PostGIS operators. The first three are in the schema all the same, as
Hasura builds it, so introspection (and the snapshots in hasura/schema/) is the same on both engines.
"""

from phenom_stack.double.double import HasuraDouble, HasuraDoubleError

__all__ = ["HasuraDouble", "HasuraDoubleError"]
