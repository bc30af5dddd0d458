"""What the actions use, built on first use and kept for the container's life."""

from __future__ import annotations

from functools import cached_property

from lambdas.action_handler.auth import TokenVerifier
from lambdas.action_handler.config import ActionConfig
from lambdas.action_handler.dependencies import aws_answering
from lambdas.action_handler.storage import MediaStorage
from lambdas.action_handler.time_budget import CALL_SETTINGS
from lambdas.shared.hasura import HasuraAdminClient, admin_client


class ActionServices:
    """The token verifier, the Hasura admin client and the media bucket of one configuration."""

    def __init__(self, config: ActionConfig) -> None:
        self.config = config

    @cached_property
    def verifier(self) -> TokenVerifier:
        return TokenVerifier(self.config.jwks_url, self.config.issuer, self.config.app_client_id)

    @cached_property
    def hasura(self) -> HasuraAdminClient:
        # Read here rather than at construction, so refused tokens never wait for Secrets Manager.
        with aws_answering("Secrets Manager (the app secret)", CALL_SETTINGS):
            return admin_client(self.config.app_secrets_id, self.config.graphql_url, CALL_SETTINGS)

    @cached_property
    def storage(self) -> MediaStorage:
        return MediaStorage(self.config.media_bucket)
