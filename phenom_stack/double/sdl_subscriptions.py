"""GraphQL SDL of subscription_root: what real Hasura advertises there, so introspection matches it.

The double serves no subscriptions (they need a WebSocket), but a client building on the schema must see the
same root fields as on the real engine: each table's query fields again plus `<t>_stream` (Hasura
Schema/SubscriptionStream.hs). Synchronous actions are not in subscription_root. The double reads no
`subscription_root_fields`: a role's subscription root offers what its query root offers, as it does in Hasura
when neither list is set (this project sets neither).
"""

from __future__ import annotations

from phenom_stack.double.access import TableAccess
from phenom_stack.double.naming import scalar_name
from phenom_stack.double.sdl_tables import SdlWriter, query_fields

SUBSCRIPTION_ROOT = "subscription_root"
CURSOR_ORDERING_ENUM = (
    '"""ordering argument of a cursor"""\nenum cursor_ordering {\n  "ascending ordering of the cursor"\n  ASC\n'
    '  "descending ordering of the cursor"\n  DESC\n}'
)


def subscription_fields(sdl: SdlWriter, access: TableAccess) -> list[str]:
    """subscription_root fields of the table: its query fields, and `<t>_stream` when it may select."""
    fields = query_fields(sdl, access)
    if access.root_select and access.columns:
        fields.append(_stream_field(sdl, access))
    return fields


def _stream_field(sdl: SdlWriter, access: TableAccess) -> str:
    t, table = access.type_name, access.tracked.table
    sdl.add("cursor_ordering", CURSOR_ORDERING_ENUM)
    sdl.block(
        "input",
        f"{t}_stream_cursor_value_input",
        [f"{column}: {sdl.scalar(scalar_name(table.columns[column].type))}" for column in access.columns],
        "Initial value of the column from where the streaming should start",
    )
    sdl.block(
        "input",
        f"{t}_stream_cursor_input",
        [
            f'"Stream column input with initial value"\n  initial_value: {t}_stream_cursor_value_input!',
            '"cursor ordering"\n  ordering: cursor_ordering',
        ],
        f'Streaming cursor of the table "{t}"',
    )
    return (
        f'"fetch data from the table in a streaming manner: \\"{table.name}\\""\n  '
        f'{t}_stream("maximum number of rows returned in a single batch" batch_size: Int!, '
        f'"cursor to stream the results returned by the query" cursor: [{t}_stream_cursor_input]!, '
        f'"filter the rows which have to be fetched" where: {t}_bool_exp): [{t}!]!'
    )
