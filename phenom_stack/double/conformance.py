"""Replay test cases written in Hasura's own YAML format against a fresh engine double.

    python -m phenom_stack.double.conformance DIR [--filter TEXT] [--verbose]

DIR holds directories laid out like Hasura's `server/tests-py/queries/`: a directory with `setup.yaml`
(and optionally `teardown.yaml`) runs its cases on one database state; a directory with `schema_setup.yaml`
gets that schema once and `values_setup.yaml` / `values_teardown.yaml` around every case file. Each case file
holds one case or a list of them (`url`, `headers`, `query`, `status`, `response`); every case is compared as
Hasura's `validate.py` does: the status code, then the response JSON (object keys unordered). As upstream,
requests carry the admin secret besides the case's own headers. Every directory starts from an empty
database and empty metadata. A directory with cases but no setup is reported as skipped.

Upstream's action cases call a webhook (`ActionsWebhookHandler` of Hasura's test suite) on 127.0.0.1:5593;
the runner serves the routes those cases use, restated from its behaviour, there (or on a free port when
5593 is taken, which shows in the few answers that quote the handler's URL). Upstream's Python-coded JWT checks
are replayed too (phenom_stack.double.conformance_jwt) when the directory holds the query they use.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import requests
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from phenom_stack.double.conformance_jwt import BASE_CASE, Signer, jwt_suites
from phenom_stack.double.double import HasuraDouble
from phenom_stack.postgres import EmbeddedPostgres

SETUP_FILES = ("setup.yaml", "schema_setup.yaml")
FIXTURE_FILES = {
    "setup.yaml",
    "teardown.yaml",
    "schema_setup.yaml",
    "schema_teardown.yaml",
    "values_setup.yaml",
    "values_teardown.yaml",
}
UPSTREAM_WEBHOOK_PORT = 5593
UPSTREAM_WEBHOOK_URL = f"http://127.0.0.1:{UPSTREAM_WEBHOOK_PORT}"
REQUEST_TIMEOUT_SECONDS = 60
LOOPBACK = "127.0.0.1"
JWKS_PATH = "/jwks.json"
KEY_ID = "conformance"
EMAIL = re.compile(r"^\w+([\.-]?\w+)*@\w+([\.-]?\w+)*(\.\w{2,3})+$")
# Upstream's test_actions.py inserts users from Python before these cases (they are not in the YAML).
CASE_PRECONDITIONS = {
    "get_user_by_email_success.yaml": 'mutation { insert_user_one(object: {email: "clarke@gmail.com", '
    'name: "Clarke"}) { id } }',
    "get_user_by_email_nested_success.yaml": 'mutation { insert_user_one(object: {email: "clarke@gmail.com", '
    'name: "Clarke"}) { id } }',
    "get_users_by_email_success.yaml": 'mutation { insert_user(objects: [{id: 1, email: "clarke@gmail.com", '
    'name: "Clarke 1"}, {id: 2, email: "clarke@gmail.com", name: "Clarke 2"}]) { returning { id } } }',
}


@dataclass
class CaseResult:
    """One request of a case file and whether the double answered as Hasura did."""

    name: str
    agrees: bool | None
    detail: str = ""


@dataclass
class Report:
    """Every case's result, in the order run."""

    results: list[CaseResult] = field(default_factory=list)

    def count(self, agrees: bool | None) -> int:
        return sum(1 for result in self.results if result.agrees is agrees)

    def summary(self) -> str:
        run = self.count(True) + self.count(False)
        return f"{self.count(True)} of {run} cases agree, {self.count(False)} differ, {self.count(None)} skipped"


def _load(path: Path):
    with path.open() as handle:
        return yaml.safe_load(handle)


def _suites(root: Path) -> Iterator[tuple[Path, list[Path]]]:
    """(directory, its case files) for every directory under root holding case files."""
    for directory in sorted({path.parent for path in root.rglob("*.yaml")}):
        cases = sorted(path for path in directory.glob("*.yaml") if path.name not in FIXTURE_FILES)
        if cases:
            yield directory, cases


def _canonical(value):
    """The JSON value with object key order dropped (dicts compare unordered).

    validate.py keeps key order only where both sides are ordered maps; the engine's answer is a plain dict there,
    so in effect it compares without order (its own cases list `name` before `id` for `{ id name }`).
    """
    return json.loads(json.dumps(value))


class WebhookHandler(BaseHTTPRequestHandler):
    """The action handler routes of Hasura's test suite that the selected cases call."""

    server: WebhookServer

    def log_message(self, format, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        routes = {
            "/create-user": self._create_user,
            "/create-users": self._create_users,
            "/mirror-action": lambda payload: (payload["input"]["arg"], 200),
            "/get-user-by-email": lambda payload: self._users_by_email(payload, single=True),
            "/get-users-by-email": lambda payload: self._users_by_email(payload, single=False),
            "/get-user-by-email-nested": lambda payload: self._nested(payload, single=True),
            "/get-users-by-email-nested": lambda payload: self._nested(payload, single=False),
            "/intentional-error": lambda payload: (payload["input"]["blob"], 400),
            "/null-response": lambda payload: (None, 200),
            "/scalar-response": lambda payload: ("some-string", 200),
            "/json-response": lambda payload: ({"foo": "bar"}, 200),
            "/custom-scalar-array-response": lambda payload: ([{"foo": "bar"}], 200),
            "/scalar-array-response": lambda payload: (["foo", "bar", None], 200),
            "/typed-nested-null": lambda payload: ({"id": 1, "child": None}, 200),
        }
        route = routes.get(self.path)
        if route is None:
            self.send_response(204)
            self.end_headers()
            return
        response, status = route(body)
        payload = json.dumps(response).encode()
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "abcd")
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True

    def _graphql(self, query: str, variables: dict) -> dict | None:
        response = self.server.double_request("/v1/graphql", {"query": query, "variables": variables})
        return response.json() if response.status_code == 200 and "data" in response.json() else None

    @staticmethod
    def _invalid_email(message: str) -> tuple[dict, int]:
        return {"message": message, "code": "invalid-email"}, 400

    @staticmethod
    def _failed() -> tuple[dict, int]:
        return {"message": "GraphQL query execution failed", "code": "unexpected"}, 400

    def _create_user(self, payload: dict) -> tuple[dict, int]:
        values = payload["input"]
        if not EMAIL.search(values["email"]):
            return self._invalid_email("Given email address is not valid")
        answer = self._graphql(
            "mutation ($email: String! $name: String!) { insert_user_one(object: {email: $email, name: $name}) { id } }",
            {"email": values["email"], "name": values["name"]},
        )
        return (answer["data"]["insert_user_one"], 200) if answer else self._failed()

    def _create_users(self, payload: dict) -> tuple[dict, int]:
        users = payload["input"]["users"]
        for user in users:
            if not EMAIL.search(user["email"]):
                return self._invalid_email("Email address is not valid: " + user["email"])
        answer = self._graphql(
            "mutation ($inputs: [user_insert_input!]!) { insert_user(objects: $inputs) { returning { id } } }",
            {"inputs": users},
        )
        return (answer["data"]["insert_user"]["returning"], 200) if answer else self._failed()

    def _users_by_email(self, payload: dict, single: bool):
        email = payload["input"]["email"]
        if not EMAIL.search(email):
            return self._invalid_email("Given email address is not valid")
        answer = self._graphql(
            "query ($email: String!) { user(where: {email: {_eq: $email}}, order_by: {id: asc}) { id } }",
            {"email": email},
        )
        if answer is None:
            return self._failed()
        users = answer["data"]["user"]
        return (users[0] if single else users), 200

    def _nested(self, payload: dict, single: bool):
        response, status = self._users_by_email(payload, single)
        if status != 200:
            return response, status

        def nested(user: dict) -> dict:
            return {
                **user,
                "address": {"city": "New York", "country": "USA"},
                "addresses": [{"city": "Bangalore", "country": "India"}, {"city": "Melbourne", "country": "Australia"}],
                "user_id": {"id": user["id"]},
            }

        return (nested(response) if single else [nested(user) for user in response]), 200


class WebhookServer(ThreadingHTTPServer):
    """The action webhook; `double_request` posts to the double as the admin."""

    daemon_threads = True

    def __init__(self, port: int, double_request) -> None:
        super().__init__((LOOPBACK, port), WebhookHandler)
        self.double_request = double_request

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server_address[1]}"


class JwksHandler(BaseHTTPRequestHandler):
    """Serves the runner's JWKS (the double needs one configured; the YAML cases use the admin secret)."""

    def log_message(self, format, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        payload = json.dumps(self.server.jwks).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _jwks(private_key) -> dict:
    jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    return {"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}


def _start(server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return thread


class ConformanceRun:
    """One Postgres, one JWKS and one webhook for the whole run; a fresh double per directory."""

    def __init__(self, database_url: str, verbose: bool = False) -> None:
        self.database_url = database_url
        self.verbose = verbose
        self.admin_secret = secrets.token_urlsafe(16)
        self.double: HasuraDouble | None = None
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwks_server = ThreadingHTTPServer((LOOPBACK, 0), JwksHandler)
        self.jwks_server.jwks = _jwks(self.private_key)
        try:
            self.webhook = WebhookServer(UPSTREAM_WEBHOOK_PORT, self.request)
        except OSError:
            self.webhook = WebhookServer(0, self.request)
        self.report = Report()
        self.reported: set[tuple[Path, str]] = set()

    def __enter__(self) -> ConformanceRun:
        _start(self.jwks_server)
        _start(self.webhook)
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop_double()
        for server in (self.webhook, self.jwks_server):
            server.shutdown()
            server.server_close()

    def _stop_double(self) -> None:
        if self.double is not None:
            self.double.stop()
            self.double = None

    def _fresh_double(self, jwt_configuration: dict | None = None) -> None:
        self._stop_double()
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
            connection.execute("CREATE SCHEMA public")
        jwt_config = {
            "type": "RS256",
            "jwk_url": f"http://{LOOPBACK}:{self.jwks_server.server_address[1]}{JWKS_PATH}",
            **(jwt_configuration or {}),
        }
        env = {"ACTION_WEBHOOK_HANDLER": self.webhook.url}
        self.double = HasuraDouble(self.database_url, self.admin_secret, jwt_config, env)
        self.double.start()

    def request(self, url: str, body, headers: dict | None = None, admin: bool = True) -> requests.Response:
        """POST `body` to the double at `url` with `headers` (and the admin secret unless `admin` is False)."""
        sent = {"X-Hasura-Admin-Secret": self.admin_secret} if admin else {}
        sent.update(headers or {})
        return requests.post(self.double.url + url, json=body, headers=sent, timeout=REQUEST_TIMEOUT_SECONDS)

    def _fixture(self, path: Path) -> list[str]:
        """Apply a setup/teardown file through /v1/query, a bulk's steps one by one; the steps that failed.

        Steps run on their own so that one step the double refuses (a PostGIS extension the database lacks,
        a computed field) costs only the cases that need it, which then differ.
        """
        if not path.exists():
            return []
        body = json.loads(json.dumps(_load(path)).replace(UPSTREAM_WEBHOOK_URL, self.webhook.url))
        steps = body["args"] if isinstance(body, dict) and body.get("type") == "bulk" else [body]
        problems = []
        for index, step in enumerate(steps):
            response = self.request("/v1/query", step)
            if response.status_code != 200:
                problems.append(f"{path.name} step {index} ({step.get('type')}): {response.text[:300]}")
        return problems

    def run(self, root: Path, only: str = "") -> Report:
        """Run every case under root (only case files whose path contains `only`, when given)."""
        for directory, cases in _suites(root):
            chosen = [path for path in cases if only in path.relative_to(root).as_posix()]
            if chosen:
                self._run_directory(root, directory, chosen)
        self._stop_double()
        return self.report

    def _record(self, result: CaseResult) -> None:
        self.report.results.append(result)
        mark = {True: "AGREE", False: "DIFFER", None: "SKIP"}[result.agrees]
        print(f"{mark:6} {result.name}", flush=True)
        if result.detail and (result.agrees is not True) and (self.verbose or result.agrees is None):
            print("       " + result.detail.replace("\n", "\n       "), flush=True)

    def _run_directory(self, root: Path, directory: Path, cases: list[Path]) -> None:
        setup = next((directory / name for name in SETUP_FILES if (directory / name).exists()), None)
        if setup is None:
            for case_file in cases:
                for name, _ in self._cases(root, case_file):
                    self._record(CaseResult(name, None, "no setup.yaml or schema_setup.yaml in the directory"))
            return
        per_case = setup.name == "schema_setup.yaml"
        self._fresh_double()
        problems = self._fixture(setup)
        self._report_problems(setup, problems)
        for case_file in cases:
            if per_case:
                self._fresh_double()
                self._fixture(setup)
                self._report_problems(directory / "values_setup.yaml", self._fixture(directory / "values_setup.yaml"))
            precondition = CASE_PRECONDITIONS.get(case_file.name)
            if precondition:
                self.request("/v1/graphql", {"query": precondition})
            for name, case in self._cases(root, case_file):
                self._record(self._check(name, case))
        base = next((path for path in cases if path.as_posix().endswith(BASE_CASE)), None)
        if base is not None:
            self._run_jwt_suites(root, setup, base)

    def _run_jwt_suites(self, root: Path, setup: Path, base_file: Path) -> None:
        """The JWT checks of upstream's test_jwt.py over `base_file`'s query, one fresh double per configuration."""
        base = _load(base_file)
        for configuration_name, configuration, checks in jwt_suites(base):
            self._fresh_double(configuration)
            self._report_problems(setup, self._fixture(setup))
            signer = Signer(self.private_key, KEY_ID, configuration)
            for check in checks:
                name = f"{base_file.relative_to(root).as_posix()} [jwt {configuration_name}: {check.name}]"
                self._record(self._check(name, check.build(signer), admin=False))

    def _report_problems(self, where: Path, problems: list[str]) -> None:
        # A setup applied again (per case file, per JWT configuration) reports its refusals once.
        for problem in problems:
            if (where, problem) not in self.reported:
                self.reported.add((where, problem))
                print(f"SETUP  {where.parent.name}/{where.name}: {problem}", flush=True)

    @staticmethod
    def _cases(root: Path, case_file: Path) -> list[tuple[str, dict]]:
        loaded = _load(case_file)
        relative = case_file.relative_to(root).as_posix()
        if isinstance(loaded, list):
            return [(f"{relative}[{index}]", case) for index, case in enumerate(loaded)]
        return [(relative, loaded)]

    def _check(self, name: str, case: dict, admin: bool = True) -> CaseResult:
        headers = {key: str(value) for key, value in (case.get("headers") or {}).items()}
        body = json.loads(json.dumps(case["query"]).replace(UPSTREAM_WEBHOOK_URL, self.webhook.url))
        response = self.request(case["url"], body, headers, admin)
        expected_status = case.get("status", 200)
        try:
            actual = response.json()
        except ValueError:
            actual = response.text
        if response.status_code != expected_status:
            return CaseResult(
                name, False, f"status {response.status_code}, Hasura {expected_status}\n{json.dumps(actual)[:2000]}"
            )
        expected = case.get("response")
        if expected is not None and _canonical(actual) != _canonical(expected):
            return CaseResult(
                name,
                False,
                f"double: {json.dumps(actual, sort_keys=True)[:2000]}\nHasura: {json.dumps(expected, sort_keys=True)[:2000]}",
            )
        return CaseResult(name, True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m phenom_stack.double.conformance", description=__doc__.split("\n")[0]
    )
    parser.add_argument("directory", type=Path, help="directory of cases in Hasura's YAML format")
    parser.add_argument("--filter", default="", help="run only case files whose path contains this text")
    parser.add_argument("--verbose", action="store_true", help="print what differs for every differing case")
    options = parser.parse_args(argv)
    if not options.directory.is_dir():
        print(f"conformance: {options.directory} is not a directory", file=sys.stderr)
        return 2
    with EmbeddedPostgres() as database_url, ConformanceRun(database_url, options.verbose) as run:
        report = run.run(options.directory, options.filter)
    print(report.summary())
    return 0 if report.count(False) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
