"""Production drift: the schema the environment serves to the smoke user is this commit's hasura/schema/user.graphql.

A difference is its own failure, named field by field; the round-trip beside it says whether the API works."""

import pytest

from phenom_client.api_schema import drift
from phenom_client.errors import PhenomClientError

pytestmark = [pytest.mark.smoke, pytest.mark.contract]


def test_deployed_schema_is_the_user_snapshot_of_this_commit(phenom_client, record_schema_drift):
    # GIVEN the smoke user signed in, as the app signs in
    # WHEN the environment's schema is introspected with that user's token and compared with the snapshot
    try:
        phenom_client.sign_in()
        differences = drift(phenom_client.api_schema())
    except PhenomClientError as error:
        record_schema_drift([f"not checked: {error}"])
        pytest.fail(f"the deployed schema could not be read as the smoke user: {error}", pytrace=False)
    record_schema_drift(differences)
    # THEN there is no difference
    if differences:
        pytest.fail(
            f"env {phenom_client.env.name} serves role user a schema that is not hasura/schema/user.graphql "
            "of this commit (deploy hasura/, or regenerate the snapshot if the change is meant):\n"
            + "\n".join(f"  {line}" for line in differences),
            pytrace=False,
        )
