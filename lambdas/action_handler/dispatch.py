"""From a Function URL event to an action's output: parse, verify the caller, validate, run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lambdas.action_handler.auth import Caller
from lambdas.action_handler.create_phenom import create_phenom
from lambdas.action_handler.delete_phenom import delete_phenom
from lambdas.action_handler.errors import NotSupported
from lambdas.action_handler.function_url import action_request
from lambdas.action_handler.get_phenoms import get_phenoms
from lambdas.action_handler.services import ActionServices
from lambdas.shared.deadline import Deadline
from lambdas.shared.log import get_logger

Action = Callable[[Caller, Mapping[str, Any], ActionServices, Deadline], Any]

ACTIONS: dict[str, Action] = {
    "createPhenom": create_phenom,
    "getPhenoms": get_phenoms,
    "deletePhenom": delete_phenom,
}

log = get_logger("action_handler")


def run_action(event: Mapping[str, Any], services: ActionServices, deadline: Deadline) -> Any:
    """The output of the action named in `event`, run for the caller its verified token names, before `deadline`."""
    request = action_request(event)
    caller = services.verifier.caller_from_header(request.authorization)
    action = ACTIONS.get(request.name)
    if action is None:
        raise NotSupported(
            f"action {request.name[:64]!r} is not served by this handler; expected one of {', '.join(ACTIONS)}"
        )
    log.info("action started", action=request.name, caller=caller.sub)
    return action(caller, request.input, services, deadline)
