"""Child process of bench/action_handler.py: one cold start of the action handler, then warm calls, all in-process.

    <lambda environment> python bench/handler_calls.py < request.json

Reads from stdin {"events": [...], "delete_events": [...], "result_path": P}: Function URL events the parent built
with the stack's own builders (they carry the ID token, so it is never on a command line; built there, so this
process imports nothing but the handler). It imports lambdas.action_handler.handler (timed), answers the first event
(timed: the handler's first-request set-up, such as boto3, the JWKS and the app secret, is in it), then the others
and the delete events (each timed), and writes the figures, with the ids of the phenoms it created, as JSON to P.
The handler writes its log lines to stdout, so the figures go to the file. Nothing here runs in the Lambdas.
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

    def call(event: dict) -> tuple[float, dict]:
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
            raise SystemExit(f"the handler answered {reply['statusCode']}: {body.get('message')}")
        return seconds, body

    created: list[str] = []

    def once(event: dict) -> float:
        seconds, body = call(event)
        if "phenomId" in body:
            created.append(body["phenomId"])
        return seconds

    first_event, *warm_events = request["events"]
    first = once(first_event)
    first_answer_epoch = time.time()
    warm = [once(event) for event in warm_events]
    deletes = [call(event)[0] for event in request["delete_events"]]
    figures = {
        "import_seconds": import_seconds,
        "first_seconds": first,
        "script_start_to_first_answer_seconds": first_answer_epoch - STARTED_EPOCH,
        "first_answer_epoch": first_answer_epoch,
        "warm_seconds": warm,
        "delete_seconds": deletes,
        "created": created,
        "boto3_at_import": boto3_at_import,
        "boto3_after_first": "boto3" in sys.modules,
    }
    with open(request["result_path"], "w") as handle:
        json.dump(figures, handle)


if __name__ == "__main__":
    main()
