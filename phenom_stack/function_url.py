"""What a Lambda Function URL does around a handler: HTTP request -> payload 2.0 event, result -> HTTP response.

Shapes from the Lambda developer guide (urls-invocation.md), summarised in facts §6.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

# Bodies of these types reach the function as text; everything else arrives base64-encoded.
TEXT_CONTENT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/x-www-form-urlencoded",
    "application/graphql",
)


def engine_post_event(
    body: dict[str, Any] | str,
    token: str | None = None,
    *,
    user_agent: str,
    content_type: str = "application/json",
) -> dict[str, Any]:
    """The event of an engine POSTing `body` to the Function URL (with `Authorization: Bearer <token>` when given),
    built by request_event as the local host builds it; a binary content type makes the body arrive base64-encoded."""
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = {"Content-Type": content_type, "User-Agent": user_agent}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = EnvironBuilder(
        path="/", method="POST", headers=headers, data=raw.encode(), environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ).get_request()
    return request_event(request)


def request_event(request: Request, request_id: str | None = None) -> dict:
    """The payload 2.0 event a Function URL would hand the function for this request."""
    now = time.time()
    request_id = request_id or str(uuid.uuid4())
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    cookies = [part.strip() for part in headers.pop("cookie", "").split(";") if part.strip()]
    domain = headers.get("host", "")
    raw_query = request.environ.get("QUERY_STRING", "")
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.environ.get("RAW_URI", request.path).split("?", 1)[0],
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": domain.split(".", 1)[0],
            "domainName": domain,
            "domainPrefix": domain.split(".", 1)[0],
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                "sourceIp": request.remote_addr or "",
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if raw_query:
        event["queryStringParameters"] = {key: ",".join(values) for key, values in request.args.lists()}
    body = request.get_data()
    if body:
        if _is_text(headers.get("content-type", "")):
            event["body"] = body.decode("utf-8", errors="replace")
        else:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def http_response(result: object) -> Response:
    """The HTTP response a Function URL sends for what the function returned."""
    if isinstance(result, dict) and "statusCode" in result:
        return _structured_response(result)
    return Response(json.dumps(result), status=200, content_type="application/json")


def unhandled_error_response() -> Response:
    """What the caller gets when the function raises: 502 and no detail (issue reports agree; no AWS doc says so)."""
    return Response("Internal Server Error", status=502, content_type="text/plain")


def _structured_response(result: dict) -> Response:
    body = result.get("body") or ""
    if result.get("isBase64Encoded"):
        payload = base64.b64decode(body)
    else:
        payload = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode("utf-8")
    response = Response(payload, status=int(result["statusCode"]))
    response.headers.remove("content-type")
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = str(value)
    if "content-type" not in response.headers:
        # A Function URL labels an unlabelled body as JSON (clients report it even for empty bodies).
        response.headers["content-type"] = "application/json"
    for cookie in result.get("cookies") or ():
        response.headers.add("set-cookie", cookie)
    return response


def _is_text(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(TEXT_CONTENT_TYPES) or media_type.endswith(("+json", "+xml"))


@dataclass
class LambdaContext:
    """The context object the Python runtime passes next to the event."""

    function_name: str
    timeout_seconds: float
    memory_limit_in_mb: int = 128
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = ""
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"{time.strftime('%Y/%m/%d')}/[{self.function_version}]{uuid.uuid4().hex}"

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds until the function's timeout, as the runtime reports them."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))
