"""What a started local stack gives its users: endpoints, resource ids and credentials."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StackUser:
    """A confirmed Cognito user of the local pool (username is the email address)."""

    username: str
    password: str = field(repr=False)
    sub: str


@dataclass(frozen=True)
class LocalStack:
    """A running local stack. Every URL is on 127.0.0.1; secrets stay out of the repr."""

    stack: str
    graphql_url: str
    metadata_url: str
    query_url: str
    action_url: str
    aws_endpoint_url: str
    region: str
    user_pool_id: str
    client_id: str
    media_bucket: str
    app_secrets_id: str
    smoke_secret_id: str
    admin_secret: str = field(repr=False)
    database_url: str = field(repr=False)
    jwt_secret_config: dict
    users: tuple[StackUser, ...]
    started_in_seconds: float
    start_timings: dict[str, float] = field(default_factory=dict)
    log_dir: str = ""
    # What the stack's Lambdas sign S3 URLs with: {"access_key_id", "secret_access_key"} (the S3 in front of moto
    # checks presigned URLs against them).
    aws_credentials: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, line: str) -> LocalStack:
        """The stack a `phenom-stack up --json` line describes (the inverse of to_json)."""
        document = json.loads(line)
        document["users"] = tuple(StackUser(**user) for user in document["users"])
        return cls(**document)

    def to_json(self) -> str:
        """One line of JSON with every field, credentials included: for a developer's own loopback stack only."""
        document = {
            "stack": self.stack,
            "graphql_url": self.graphql_url,
            "metadata_url": self.metadata_url,
            "query_url": self.query_url,
            "action_url": self.action_url,
            "aws_endpoint_url": self.aws_endpoint_url,
            "region": self.region,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "media_bucket": self.media_bucket,
            "app_secrets_id": self.app_secrets_id,
            "smoke_secret_id": self.smoke_secret_id,
            "admin_secret": self.admin_secret,
            "database_url": self.database_url,
            "jwt_secret_config": self.jwt_secret_config,
            "users": [{"username": user.username, "password": user.password, "sub": user.sub} for user in self.users],
            "started_in_seconds": round(self.started_in_seconds, 3),
            "start_timings": {part: round(seconds, 3) for part, seconds in self.start_timings.items()},
            "log_dir": self.log_dir,
            "aws_credentials": dict(self.aws_credentials),
        }
        return json.dumps(document, separators=(",", ":"))
