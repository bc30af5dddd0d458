"""One Lambda function hosted on 127.0.0.1, in a process of its own with the environment the function gets in AWS.

    python -m phenom_stack.lambda_host lambdas.action_handler.handler.handler --name NAME [--function-url]
        [--port N] [--also-listen ADDRESS ...]

It imports the handler first (Lambda's init phase), then serves the Invoke API
(POST /2015-03-31/functions/NAME/invocations) and, with --function-url, every other request as the function's
Function URL, on 127.0.0.1 (and at the same port on each --also-listen address, where a container reaches the host:
phenom_stack.docker_host). When it listens it prints `READY <port>` on stdout and from then on writes only to stderr;
it exits 0 on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import traceback
from functools import partial

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from phenom_stack.child_process import (
    add_also_listen_argument,
    bind_servers,
    block_stop_signals,
    serve_until_stopped,
    serving,
)
from phenom_stack.function_url import LambdaContext, http_response, request_event, unhandled_error_response
from phenom_stack.lambda_invoke import INVOKE_PATH
from phenom_stack.names import lambda_arn

# Lambda's synchronous invocation quotas (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
# 6 MB of request and of response payload; the response figure is the one Lambda's error message names.
MAX_REQUEST_BYTES = 6 * 1024 * 1024
MAX_RESPONSE_BYTES = 6_291_556
# A refused body is read and dropped in chunks (never held) so the client sees the 413 rather than a reset;
# past this much the connection is simply closed.
DISCARD_LIMIT_BYTES = 64 * 1024 * 1024
DISCARD_CHUNK_BYTES = 64 * 1024
REQUEST_TOO_LARGE = f"Request must be smaller than {MAX_REQUEST_BYTES} bytes for the InvokeFunction operation"
RESPONSE_TOO_LARGE = f"Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."


def load_handler(handler: str):
    """Import `package.module.function` and return the function."""
    module_name, _, function_name = handler.rpartition(".")
    return getattr(importlib.import_module(module_name), function_name)


class LambdaHost:
    """A WSGI app that runs one handler per request, as the Lambda runtime would."""

    def __init__(self, handler, name: str, function_url: bool, timeout_seconds: float, memory_mb: int) -> None:
        self.handler = handler
        self.name = name
        self.function_url = function_url
        self.timeout_seconds = timeout_seconds
        self.memory_mb = memory_mb
        self.invoke_path = INVOKE_PATH.format(name=name)

    def __call__(self, environ, start_response):
        request = Request(environ)
        # Bodies past the quota are refused from Content-Length, or while reading a chunked one.
        request.max_content_length = MAX_REQUEST_BYTES
        if request.path.startswith("/2015-03-31/functions/"):
            response = self.invoke(request)
        elif self.function_url:
            response = self.serve_function_url(request)
        else:
            response = Response(
                json.dumps({"Message": f"{self.name} has no Function URL"}), status=404, content_type="application/json"
            )
        return response(environ, start_response)

    def context(self) -> LambdaContext:
        return LambdaContext(
            function_name=self.name,
            timeout_seconds=self.timeout_seconds,
            memory_limit_in_mb=self.memory_mb,
            invoked_function_arn=lambda_arn(self.name),
        )

    def invoke(self, request: Request) -> Response:
        if request.method != "POST" or request.path != self.invoke_path:
            return Response(
                json.dumps({"Type": "User", "Message": f"Function not found: {request.path}"}),
                status=404,
                content_type="application/json",
                headers={"x-amzn-errortype": "ResourceNotFoundException"},
            )
        context = self.context()
        headers = {"x-amzn-requestid": context.aws_request_id, "x-amz-executed-version": "$LATEST"}
        try:
            payload = request.get_data()
        except RequestEntityTooLarge:
            return _request_too_large(request)
        try:
            result = self.handler(json.loads(payload or b"null"), context)
        except Exception as error:  # noqa: BLE001 - the runtime reports any exception as a function error
            _log_unhandled(context.aws_request_id)
            payload = {
                "errorMessage": str(error),
                "errorType": type(error).__name__,
                "requestId": context.aws_request_id,
                "stackTrace": traceback.format_tb(error.__traceback__.tb_next),
            }
            headers["x-amz-function-error"] = "Unhandled"
            return Response(json.dumps(payload), status=200, content_type="application/json", headers=headers)
        body = json.dumps(result)
        if len(body.encode()) > MAX_RESPONSE_BYTES:
            headers["x-amz-function-error"] = "Unhandled"
            error = {"errorMessage": RESPONSE_TOO_LARGE, "errorType": "Function.ResponseSizeTooLarge"}
            return Response(json.dumps(error), status=200, content_type="application/json", headers=headers)
        return Response(body, status=200, content_type="application/json", headers=headers)

    def serve_function_url(self, request: Request) -> Response:
        context = self.context()
        try:
            event = request_event(request, request_id=context.aws_request_id)
        except RequestEntityTooLarge:
            return _request_too_large(request)
        if len(json.dumps(event).encode()) > MAX_REQUEST_BYTES:
            # The quota is on the event the function gets: a binary body grows by a third in base64.
            return _request_too_large(request, body_read=True)
        try:
            result = self.handler(event, context)
        except Exception:  # noqa: BLE001 - a Function URL turns any exception into a bare 502
            _log_unhandled(context.aws_request_id)
            response = unhandled_error_response()
        else:
            if len(json.dumps(result).encode()) > MAX_RESPONSE_BYTES:
                print(f"[ERROR] {RESPONSE_TOO_LARGE} in request {context.aws_request_id}", file=sys.stderr, flush=True)
                response = unhandled_error_response()
            else:
                response = http_response(result)
        response.headers["x-amzn-requestid"] = context.aws_request_id
        return response


def _request_too_large(request: Request, body_read: bool = False) -> Response:
    """Lambda's 413 for a payload over the quota, after dropping the body if it was left unread."""
    stream = request.environ["wsgi.input"]
    remaining = 0 if body_read else min(request.content_length or DISCARD_LIMIT_BYTES, DISCARD_LIMIT_BYTES)
    while remaining > 0:
        chunk = stream.read(min(DISCARD_CHUNK_BYTES, remaining))
        if not chunk:
            break
        remaining -= len(chunk)
    return Response(
        json.dumps({"Type": "User", "message": REQUEST_TOO_LARGE}),
        status=413,
        content_type="application/json",
        headers={"x-amzn-errortype": "RequestEntityTooLargeException"},
    )


def _log_unhandled(request_id: str) -> None:
    print(f"[ERROR] unhandled exception in request {request_id}\n{traceback.format_exc()}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    block_stop_signals()
    parser = argparse.ArgumentParser(prog="python -m phenom_stack.lambda_host", description=__doc__.splitlines()[0])
    parser.add_argument("handler", help="handler string, e.g. lambdas.action_handler.handler.handler")
    parser.add_argument("--name", required=True, help="function name, as in the Invoke API path")
    parser.add_argument("--function-url", action="store_true", help="also serve the function's Function URL")
    parser.add_argument("--timeout", type=float, default=30.0, help="function timeout in seconds")
    parser.add_argument("--memory", type=int, default=256, help="memory size in MB, reported to the handler")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    add_also_listen_argument(parser)
    args = parser.parse_args(argv)

    host = LambdaHost(load_handler(args.handler), args.name, args.function_url, args.timeout, args.memory)
    servers = bind_servers(args.port, args.also_listen, partial(make_server, app=host, threaded=True))
    with serving(servers, f"lambda-host-{args.name}"):
        serve_until_stopped(servers[0].server_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
