"""Where one API call's time goes on the local stack: engine double, Lambda host, handler, and the Cognito sign-in.

    .venv/bin/python bench/request_layers.py [--runs 30]

A hermetic stack is started first; its first user signs in once and its token is reused. Each round makes, one
after the other (interleaved, so drift on the machine hits all alike), over one kept-alive HTTP session:
- getPhenoms and createPhenom through the engine's /v1/graphql (engine double -> Function URL -> handler);
- the same actions POSTed straight to the Function URL with Hasura's action body (Lambda host -> handler);
- a plain table query through /v1/graphql as the user (the double alone: JWT check, permissions, SQL);
- InitiateAuth (moto, plus the pre-token-generation and post-authentication trigger Lambdas it calls).
Each createPhenom is deleted right after, untimed. The user lists no rows, so getPhenoms signs nothing. Compare
with bench/action_handler.py's in-process figures for the handler alone. The last line is the double's share.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import requests
from handler_calls import action_body
from raw_api import CREATE_PHENOM, GET_PHENOMS, TIMEOUT, cognito_client, id_token
from stack_process import running_stack
from timing import interleave, median, percentile, runs_option

from phenom_client.redaction import redact

TABLE_QUERY = "query { phenoms(limit: 20) { id } }"


class CallFailed(Exception):
    """A measured call did not succeed, so its time would mislead; the message names the call."""


class Layers:
    """The calls of one round, each returning its own seconds."""

    def __init__(self, stack: dict, http: requests.Session) -> None:
        self.stack = stack
        self.http = http
        self.cognito = cognito_client(stack)
        self.headers = {"Authorization": f"Bearer {id_token(self.cognito, stack)}"}

    def sign_in(self) -> float:
        return _timed(lambda: id_token(self.cognito, self.stack))

    def graphql(self, query: str, variables: dict) -> Callable[[], float]:
        def call() -> float:
            started = time.perf_counter()
            body = self._post(self.stack["graphql_url"], {"query": query, "variables": variables})
            seconds = time.perf_counter() - started
            if "createPhenom" in body.get("data", {}):
                self._delete(body["data"]["createPhenom"]["phenomId"])
            return seconds

        return call

    def function_url(self, action: str, action_input: dict) -> Callable[[], float]:
        def call() -> float:
            started = time.perf_counter()
            body = self._post(self.stack["action_url"], action_body(action, action_input))
            seconds = time.perf_counter() - started
            if action == "createPhenom":
                self._delete(body["phenomId"])
            return seconds

        return call

    def _delete(self, phenom_id: str) -> None:
        self._post(self.stack["action_url"], action_body("deletePhenom", {"phenomId": phenom_id}))

    def _post(self, url: str, payload: dict) -> dict:
        response = self.http.post(url, json=payload, headers=self.headers, timeout=TIMEOUT)
        body = response.json()
        if response.status_code != 200 or "errors" in body:
            raise CallFailed(redact(f"POST {url} answered {response.status_code}: {str(body)[:300]}"))
        return body


def _create_input() -> dict:
    return {
        "input": {
            "lat": 1.0,
            "lng": 2.0,
            "media_type": "image",
            "filenames": [f"phenom-bench-{uuid.uuid4().hex[:12]}.jpg"],
        }
    }


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    runs = runs_option(__doc__, 30, "rounds of calls (median and p95 are reported)")

    with running_stack() as (stack, _), requests.Session() as http:
        layers = Layers(stack.description, http)
        calls = {
            "getPhenoms via /v1/graphql": layers.graphql(GET_PHENOMS, {"limit": 20}),
            "getPhenoms via Function URL": layers.function_url("getPhenoms", {"limit": 20}),
            "createPhenom via /v1/graphql": lambda: layers.graphql(CREATE_PHENOM, _create_input())(),
            "createPhenom via Function URL": lambda: layers.function_url("createPhenom", _create_input())(),
            "table query via /v1/graphql": layers.graphql(TABLE_QUERY, {}),
            "sign in (InitiateAuth)": layers.sign_in,
        }
        for call in calls.values():
            call()
        seconds = interleave(calls, runs, report_each_round=False)

    print(f"\nmedian and p95 of {runs} interleaved rounds:")
    for name, values in seconds.items():
        print(f"  {name:<32}{median(values) * 1000:7.1f} ms{percentile(values, 0.95) * 1000:8.1f} ms")
    double = {
        action: median(seconds[f"{action} via /v1/graphql"]) - median(seconds[f"{action} via Function URL"])
        for action in ("getPhenoms", "createPhenom")
    }
    print(
        f"request layers (median of {runs}): the engine double adds {double['getPhenoms'] * 1000:.1f} ms to "
        f"getPhenoms and {double['createPhenom'] * 1000:.1f} ms to createPhenom over the Function URL; a table "
        f"query through it takes {median(seconds['table query via /v1/graphql']) * 1000:.1f} ms; sign-in "
        f"{median(seconds['sign in (InitiateAuth)']) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
