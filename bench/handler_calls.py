"""Child process of bench/action_handler.py: one cold start of the action handler, then warm calls, all in-process.

    <lambda environment> python bench/handler_calls.py < request.json

Reads from stdin {"action": "createPhenom"|"getPhenoms", "token": <ID token>, "warm_calls": N, "result_path": P}
(the token comes on stdin so it is never on a command line), then: imports lambdas.action_handler.handler (timed),
makes the first request (timed: the handler's first-request set-up, such as boto3, the JWKS and the app secret, is
in it), makes N more (each timed), deletes every phenom it created (timed too), and writes the figures as JSON to
P. The handler writes its log lines to stdout, so the figures go to the file. Nothing here runs in the Lambdas.
"""

from __future__ import annotations

import time

STARTED_EPOCH = time.time()

import json  # noqa: E402 - the clock starts before any import
import sys  # noqa: E402
import uuid  # noqa: E402
from types import SimpleNamespace  # noqa: E402

# Each call is timed as a fresh invocation of the deployed function (30 s timeout in infra/).
FUNCTION_TIMEOUT_MS = 30_000


def main() -> None:
    request = json.load(sys.stdin)
    imported = time.perf_counter()
    from lambdas.action_handler.handler import handler

    import_seconds = time.perf_counter() - imported
    boto3_at_import = "boto3" in sys.modules

    def call(name: str, action_input: dict) -> tuple[float, dict]:
        event = function_url_event(name, action_input, request["token"])
        begun = time.perf_counter()
        reply = handler(
            event,
            SimpleNamespace(
                aws_request_id=str(uuid.uuid4()),
                function_name="phenom-bench",
                get_remaining_time_in_millis=lambda: FUNCTION_TIMEOUT_MS,
            ),
        )
        seconds = time.perf_counter() - begun
        body = json.loads(reply["body"])
        if reply["statusCode"] != 200:
            raise SystemExit(f"{name} answered {reply['statusCode']}: {body.get('message')}")
        return seconds, body

    action = request["action"]
    created: list[str] = []

    def once() -> float:
        if action == "createPhenom":
            filenames = [f"phenom-bench-{uuid.uuid4().hex[:12]}.jpg"]
            # Hasura passes action arguments by name: createPhenom's one argument is called `input`.
            seconds, body = call(
                "createPhenom", {"input": {"lat": 1.0, "lng": 2.0, "media_type": "image", "filenames": filenames}}
            )
            created.append(body["phenomId"])
            return seconds
        return call("getPhenoms", {"limit": 20})[0]

    first = once()
    first_answer_epoch = time.time()
    warm = [once() for _ in range(request["warm_calls"])]
    deletes = [call("deletePhenom", {"phenomId": phenom_id})[0] for phenom_id in created]
    figures = {
        "import_seconds": import_seconds,
        "first_seconds": first,
        "script_start_to_first_answer_seconds": first_answer_epoch - STARTED_EPOCH,
        "first_answer_epoch": first_answer_epoch,
        "warm_seconds": warm,
        "delete_seconds": deletes,
        "boto3_at_import": boto3_at_import,
        "boto3_after_first": "boto3" in sys.modules,
    }
    with open(request["result_path"], "w") as handle:
        json.dump(figures, handle)


def action_body(name: str, action_input: dict) -> dict:
    """Hasura's action request body for the action `name`, as the user role sends it."""
    return {
        "action": {"name": name},
        "input": action_input,
        "session_variables": {"x-hasura-role": "user"},
        "request_query": f"{name} (bench)",
    }


def function_url_event(name: str, action_input: dict, token: str) -> dict:
    """A Function URL (payload 2.0) event carrying Hasura's action request, as the Lambda receives it."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/",
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            "authorization": f"Bearer {token}",
            "user-agent": "hasura-graphql-engine/v2.48.5",
        },
        "requestContext": {"requestId": str(uuid.uuid4()), "http": {"method": "POST", "path": "/"}},
        "body": json.dumps(action_body(name, action_input)),
        "isBase64Encoded": False,
    }


if __name__ == "__main__":
    main()
