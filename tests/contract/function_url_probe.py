"""A handler that reports what its Lambda host handed it; test_stack_lambda_host.py runs it behind a host.

The path of a Function URL request picks the reply: /raise raises, /string returns a string, /structured a
structured response, /size the length of the body it got, /large?bytes=N a body of N bytes; anything else echoes the event, the environment's names and the context.
"""

from __future__ import annotations

import base64
import json
import os


def handler(event, context):
    path = event.get("rawPath", "")
    if path == "/raise" or event.get("raise"):
        raise RuntimeError("probe asked to fail")
    if path == "/string":
        return "plain string"
    if path == "/structured":
        return {
            "statusCode": 409,
            "headers": {"content-type": "application/json", "x-probe": "yes"},
            "body": json.dumps({"message": "conflict"}),
            "cookies": ["probe=1; Path=/"],
        }
    if path == "/size":
        return {"body_length": len(event.get("body") or ""), "isBase64Encoded": event["isBase64Encoded"]}
    if path == "/large":
        return {"statusCode": 200, "body": "x" * int(event["queryStringParameters"]["bytes"])}
    if path == "/binary":
        return {
            "statusCode": 200,
            "headers": {"content-type": "application/octet-stream"},
            "body": base64.b64encode(b"\x00\x01\xff").decode(),
            "isBase64Encoded": True,
        }
    return {
        "event": event,
        "environment": sorted(os.environ),
        "context": {
            "function_name": context.function_name,
            "aws_request_id": context.aws_request_id,
            "remaining_ms": context.get_remaining_time_in_millis(),
        },
    }
