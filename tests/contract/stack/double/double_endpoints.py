"""`DoubleEndpoints`: a running double's URLs and admin secret, with the calls its tests make."""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

HTTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class DoubleEndpoints:
    """A running double: its URLs, admin secret and the JWT config it was started with."""

    url: str
    admin_secret: str = field(repr=False)
    jwt_config: dict

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/v1/graphql"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/metadata"

    @property
    def query_url(self) -> str:
        return f"{self.url}/v2/query"

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"x-hasura-admin-secret": self.admin_secret}

    def graphql(self, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
        """POST a GraphQL request; assert Hasura's HTTP 200 and return the JSON body."""
        response = requests.post(
            self.graphql_url,
            json={"query": query, "variables": variables or {}},
            headers=self.admin_headers if headers is None else headers,
            timeout=HTTP_TIMEOUT_SECONDS,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def as_user(self, user_id: str, role: str = "user") -> dict[str, str]:
        """Admin-secret headers that impersonate `role` with this user id."""
        return {**self.admin_headers, "x-hasura-role": role, "x-hasura-user-id": user_id}

    def post(self, url: str, body: dict, headers: dict | None = None) -> requests.Response:
        return requests.post(
            url, json=body, headers=self.admin_headers if headers is None else headers, timeout=HTTP_TIMEOUT_SECONDS
        )
