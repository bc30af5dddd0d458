"""The Hasura engine double: a small GraphQL server that behaves like Hasura v2.48 CE for this project.

It is a test tool driven only by the project's hasura/ metadata and the migrated Postgres:

    with HasuraDouble(database_url, admin_secret, jwt_secret_config, env) as double:
        double.url  # POST /v1/graphql, /v1/metadata, /v2/query; GET /healthz

`jwt_secret_config` is HASURA_GRAPHQL_JWT_SECRET as a dict; `env` is the engine's environment (handler
`{{VAR}}` templates, header `value_from_env`, `from_env` database URLs). Apply migrations and metadata with
phenom_stack.hasura_project, as for the real engine. The stack runs it in a process of its own,
`python -m phenom_stack.double` (phenom_stack.double_process).

Not served (Hasura has them): subscriptions, async actions, remote schemas, event/cron triggers, computed
fields, `update_<t>_many`, jsonb update operators, custom root field names, inherited roles, REST endpoints.
"""

from phenom_stack.double.double import HasuraDouble, HasuraDoubleError

__all__ = ["HasuraDouble", "HasuraDoubleError"]
