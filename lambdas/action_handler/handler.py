"""Lambda entry point of the action handler (`lambdas.action_handler.handler.handler`)."""

from __future__ import annotations

import functools
from typing import Any

from lambdas.action_handler.config import load_config
from lambdas.action_handler.dependencies import dependency_failure
from lambdas.action_handler.dispatch import run_action
from lambdas.action_handler.errors import ActionError
from lambdas.action_handler.function_url import error_response, json_response, traceparent_of
from lambdas.action_handler.services import ActionServices
from lambdas.action_handler.time_budget import request_deadline
from lambdas.action_handler.uploads import is_s3_notification, reconcile_uploads
from lambdas.shared.deadline import DeadlineExceeded
from lambdas.shared.log import bind_request_id, get_logger, request_id_from, trace_id_from

log = get_logger("action_handler")


@functools.cache
def action_services() -> ActionServices:
    """The services of this container, configured from the environment on the first request."""
    return ActionServices(load_config())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Hasura action call: 200 with the output, or a 4xx Hasura action error, never a 5xx. S3's
    notifications of new media objects come here too (lambdas.action_handler.uploads)."""
    request_id = request_id_from(context, event)
    if is_s3_notification(event):
        with bind_request_id(request_id):
            # An error propagates: S3 invokes asynchronously, and Lambda retries a failed event twice.
            return reconcile_uploads(event, action_services(), request_deadline(context))
    with bind_request_id(request_id, trace_id_from(traceparent_of(event))):
        try:
            return json_response(200, run_action(event, action_services(), request_deadline(context)))
        except DeadlineExceeded:
            log.warning("action ran out of time")
            return error_response(
                400, "timeout", f"action handler ran out of time (request id {request_id}); try again"
            )
        except ActionError as refusal:
            log.info("action refused", status=refusal.status, code=refusal.code, reason=refusal.message)
            return error_response(refusal.status, refusal.code, refusal.message)
        except Exception as error:
            failure = dependency_failure(error)
            if failure is not None:
                # The cause (address, statement) is for the log only; the caller learns which service failed.
                log.warning("dependency unavailable", reason=failure.message, cause=str(error))
                return error_response(
                    failure.status, failure.code, f"{failure.message} (request id {request_id}); try again later"
                )
            # Hasura hides any 5xx behind an opaque "internal error"; a 400 keeps the request id visible.
            log.exception("action handler failed")
            return error_response(400, "unexpected", f"action handler failed (request id {request_id})")
