"""PUT and GET against presigned S3 URLs with requests; the URLs never appear unredacted in a message."""

from __future__ import annotations

import re

import requests

from phenom_client.errors import TransferFailed
from phenom_client.reachability import requests_never_answered
from phenom_client.redaction import redact
from phenom_client.retry import TRANSIENT_STATUSES
from phenom_client.timeouts import Timeouts
from phenom_client.tracing import HEADER, traceparent

_S3_ERROR_CODE = re.compile(r"<Code>([^<]{1,100})</Code>")


class ObjectTransfer:
    """Moves bytes to and from presigned URLs over one kept-alive requests.Session."""

    def __init__(self, timeouts: Timeouts, session: requests.Session | None = None) -> None:
        self._timeouts = timeouts
        self._session = session or requests.Session()

    def put(self, url: str, data: bytes) -> None:
        """Upload `data` to a presigned PUT URL."""
        self._send("PUT", url, data)

    def get(self, url: str) -> bytes:
        """The bytes behind a presigned GET URL."""
        return self._send("GET", url, None).content

    def close(self) -> None:
        self._session.close()

    def _send(self, method: str, url: str, data: bytes | None) -> requests.Response:
        try:
            response = self._session.request(
                method, url, data=data, headers={HEADER: traceparent()}, timeout=self._timeouts.requests
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            raise TransferFailed(
                redact(f"{method} got no answer: {type(error).__name__}: {error}"),
                transient=True,
                unreached=requests_never_answered(error),
            ) from None
        except requests.RequestException as error:
            raise TransferFailed(redact(f"{method} could not be sent: {type(error).__name__}: {error}")) from None
        if not response.ok:
            raise TransferFailed(
                f"{method} returned {response.status_code} {_s3_error_code(response)}".rstrip(),
                status=response.status_code,
                transient=response.status_code in TRANSIENT_STATUSES,
            )
        return response


def _s3_error_code(response: requests.Response) -> str:
    """S3's error code (e.g. SignatureDoesNotMatch) from an XML error body, else the HTTP reason."""
    match = _S3_ERROR_CODE.search(response.text[:4096])
    return match.group(1) if match else (response.reason or "")
