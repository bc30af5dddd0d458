"""S3 event notifications to Lambda for moto, which builds the event but invokes moto's own Lambda (needing Docker).

The moto process enters `s3_notifications(functions)` before it serves: while active, it patches moto 5.2.5's
`moto.s3.notifications._invoke_awslambda` so the event goes to the local Lambda host that serves the ARN, as S3
does: asynchronously (the PUT is answered at once), retried twice when the function fails, as Lambda retries an
asynchronous invocation. An ARN no host serves is dropped, as S3 drops events to a function that is gone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from unittest import mock

import moto.s3.notifications

from phenom_stack.lambda_invoke import FunctionError, invoke

LOGGER = logging.getLogger("phenom_stack.s3_notifications")
# Lambda tries an asynchronous event three times in all.
ATTEMPTS = 3
INVOKE_TIMEOUT_SECONDS = 30.0


@contextmanager
def s3_notifications(functions: Mapping[str, str]) -> Iterator[None]:
    """While active, moto's S3 notifications to a Lambda ARN in functions (ARN -> Invoke API URL) reach that URL."""

    def deliver(account_id: str, event: dict, arn: str, region_name: str) -> None:
        url = functions.get(arn)
        if url is None:
            LOGGER.warning("S3 notification for %s dropped: no local Lambda host serves it", arn)
            return
        threading.Thread(target=_invoke_with_retries, args=(url, arn, event), daemon=True).start()

    with mock.patch.object(moto.s3.notifications, "_invoke_awslambda", deliver):
        yield


def _invoke_with_retries(url: str, arn: str, event: dict) -> None:
    name = arn.rsplit(":", 1)[-1]
    for attempt in range(1, ATTEMPTS + 1):
        try:
            invoke(url, name, event, INVOKE_TIMEOUT_SECONDS)
            return
        except (FunctionError, OSError, ValueError) as error:
            LOGGER.warning("S3 notification to %s failed (attempt %d of %d): %s", name, attempt, ATTEMPTS, error)
