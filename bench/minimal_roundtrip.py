"""The smoke round-trip's calls made with nothing but boto3 and requests: the floor the pytest suite is compared with.

    .venv/bin/python bench/minimal_roundtrip.py --stack-file PATH [--runs 1]

PATH holds the JSON line of a running `phenom-stack up --json`; the first of its users signs in. The calls are the
ones the smoke round-trip makes, in its order: InitiateAuth (boto3), createPhenom, PUT to the upload URL,
getPhenoms, GET of the signed_uri (bytes compared), deletePhenom, and the getPhenoms that confirms the delete. The
GraphQL documents are the client's own files. No retries, no step records, no checks beyond what makes the trip
valid. The last line is the median round-trip time in this process (the overhead benchmark times the whole process).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import uuid
from pathlib import Path

import requests
from raw_api import CREATE_PHENOM, DELETE_PHENOM, GET_PHENOMS, TIMEOUT, cognito_client, id_token


class RoundTripFailed(Exception):
    """A call answered something other than what the round-trip needs; the message names the call."""


def checked(response: requests.Response, call: str) -> requests.Response:
    """`response` when it is 2xx; unlike raise_for_status, the error never shows the (presigned) URL."""
    if not response.ok:
        raise RoundTripFailed(f"{call} answered {response.status_code} {response.reason}")
    return response


def graphql(http: requests.Session, url: str, token: str, query: str, variables: dict) -> dict:
    response = http.post(
        url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    body = checked(response, "POST graphql").json()
    if body.get("errors"):
        raise RoundTripFailed(f"GraphQL errors: {body['errors'][0].get('message')}")
    return body["data"]


def round_trip(stack: dict, cognito, http: requests.Session) -> None:
    token, url = id_token(cognito, stack), stack["graphql_url"]
    filename = f"phenom-bench-{uuid.uuid4().hex[:12]}.txt"
    content = f"Phenom benchmark object {filename}; safe to delete.\n".encode()

    created = graphql(
        http,
        url,
        token,
        CREATE_PHENOM,
        {"input": {"lat": 0.0, "lng": 0.0, "filenames": [filename], "media_type": "image"}},
    )["createPhenom"]
    phenom_id = created["phenomId"]
    checked(http.put(created["uploads"][0]["uploadUrl"], data=content, timeout=TIMEOUT), "PUT uploadUrl")
    rows = graphql(http, url, token, GET_PHENOMS, {"limit": 100})["getPhenoms"]
    row = next(row for row in rows if row["id"] == phenom_id)
    downloaded = checked(http.get(row["signed_uri"], timeout=TIMEOUT), "GET signed_uri")
    if hashlib.sha256(downloaded.content).digest() != hashlib.sha256(content).digest():
        raise RoundTripFailed("GET signed_uri returned other bytes than were uploaded")
    graphql(http, url, token, DELETE_PHENOM, {"phenomId": phenom_id})
    if any(row["id"] == phenom_id for row in graphql(http, url, token, GET_PHENOMS, {"limit": 100})["getPhenoms"]):
        raise RoundTripFailed(f"getPhenoms still lists phenom {phenom_id} after deletePhenom")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-file", type=Path, required=True, help="file holding `phenom-stack up --json`'s line")
    parser.add_argument("--runs", type=int, default=1, help="round-trips to make in this process")
    args = parser.parse_args()

    stack = json.loads(args.stack_file.read_text())
    cognito = cognito_client(stack)
    seconds = []
    with requests.Session() as http:
        for _ in range(args.runs):
            started = time.perf_counter()
            round_trip(stack, cognito, http)
            seconds.append(time.perf_counter() - started)
    seconds.sort()
    print(f"minimal round-trip (7 calls, median of {args.runs}): {seconds[len(seconds) // 2] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
