"""Facts other layers take from the Terraform rather than repeating them; importable without pytest.

from phenom_infra.facts import hasura_image
hasura_image()  # "nhost/graphql-engine:v2.48.5-ce", as the production task definition runs it
"""

from __future__ import annotations

from phenom_infra.errors import InfraConfigError
from phenom_infra.instances import stack

PRODUCTION = "production"


def hasura_image(environment_name: str = PRODUCTION) -> str:
    """The graphql-engine image (repository:tag) of the environment's ECS task definition."""
    image = stack(environment_name).module("graphql").local("graphql_container")["image"]
    if not isinstance(image, str) or "${" in image or ":" not in image:
        raise InfraConfigError(
            f"the graphql container image is {image!r}; "
            "give module graphql a literal repository:tag image in infra/modules/phenom_stack"
        )
    return image


def postgres_engine_version(environment_name: str = PRODUCTION) -> str:
    """The RDS Postgres engine version (e.g. "17.4"), for the local stack's postgres image tag."""
    version = stack(environment_name).module("database").resource("aws_db_instance", "this")["engine_version"]
    if not isinstance(version, str) or "${" in version:
        raise InfraConfigError(
            f"the RDS engine version is {version!r}; "
            "give module database a literal engine_version in infra/modules/phenom_stack"
        )
    return version
