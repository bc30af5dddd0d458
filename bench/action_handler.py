"""Cold start, warm latency, package size and import cost of the action handler, against a running local stack.

    .venv/bin/python bench/action_handler.py [--runs 5] [--warm-calls 50] [--no-build]

A hermetic stack is started first. Each cold start is a fresh process (bench/handler_calls.py) with exactly the
environment the stack gives the Lambda (Terraform's variables plus the endpoint override); it imports
lambdas.action_handler.handler, makes its first request, then further warm requests in the same process, calling
the handler function directly (no HTTP in front of it; the handler's own calls to the engine, Secrets Manager and
S3 go to the stack). Cold starts alternate createPhenom and getPhenoms. getPhenoms runs against a page of 20 rows
(its default limit), seeded before and deleted after, so its figure includes signing 20 download URLs. The seeded
files are uploaded (and recorded as such) by default; with --seed-state pending they never are, and getPhenoms
then asks S3 whether each pending file has arrived (one HEAD per pending file on every call).
Zip sizes come from `phenom-build-lambdas` (or dist/lambdas with --no-build). The import breakdown
(python -X importtime) sums each top-level package's own import time, at module import and, separately, what the
first request imports lazily. The last line sums it all up.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

from raw_api import cognito_client, id_token
from stack_process import running_stack
from timing import BENCH_DIR, PYTHON, REPO_ROOT, BenchError, machine, median, percentile, timed_process

from lambdas.registry import ACTION_HANDLER
from phenom_client import PhenomClient, SmokeCredentials, load_environment
from phenom_stack.double.actions import ENGINE_USER_AGENT, action_request_body
from phenom_stack.function_url import engine_post_event
from phenom_stack.lambda_processes import runtime_environment

ACTIONS = ("createPhenom", "getPhenoms")
LISTED_ROWS = 20
ZIP_DIR = REPO_ROOT / "dist" / "lambdas"
BUILD_COMMAND = (str(Path(PYTHON).with_name("phenom-build-lambdas")),)
CHILD = str(BENCH_DIR / "handler_calls.py")


def lambda_environment(stack: dict) -> dict[str, str]:
    """What the stack's Lambda host gives the action handler: Terraform's variables, the runtime's, the override."""
    deployment = {
        "APP_SECRETS_ID": stack["app_secrets_id"],
        "MEDIA_BUCKET": stack["media_bucket"],
        "HASURA_GRAPHQL_URL": stack["graphql_url"],
        "COGNITO_USER_POOL_ID": stack["user_pool_id"],
        "COGNITO_APP_CLIENT_ID": stack["client_id"],
    }
    return runtime_environment(ACTION_HANDLER, deployment, stack["aws_endpoint_url"])


def action_event(name: str, action_input: dict, token: str) -> dict:
    """The Function URL event of the engine calling action `name` for the user role, built as the stack builds it."""
    body = action_request_body(name, action_input, {"x-hasura-role": "user"}, f"{name} (bench)")
    return engine_post_event(body, token, user_agent=ENGINE_USER_AGENT)


def child_request(action: str, token: str, calls: int, deletes: list[str], result_path: Path) -> dict:
    """What handler_calls.py reads: `calls` events of `action`, then a deletePhenom event for each of `deletes`."""
    if action == "createPhenom":
        # Hasura passes action arguments by name: createPhenom's one argument is called `input`.
        events = [
            action_event(
                action,
                {"input": {"lat": 1.0, "lng": 2.0, "media_type": "image", "filenames": [f"phenom-bench-{n}.jpg"]}},
                token,
            )
            for n in range(calls)
        ]
    else:
        events = [action_event(action, {"limit": LISTED_ROWS}, token) for _ in range(calls)]
    delete_events = [action_event("deletePhenom", {"phenomId": phenom_id}, token) for phenom_id in deletes]
    return {"events": events, "delete_events": delete_events, "result_path": str(result_path)}


def cold_start(
    action: str, token: str, warm_calls: int, env: dict[str, str], workdir: Path, client: PhenomClient
) -> dict:
    """One fresh handler process; its figures plus `spawn_to_first_answer_seconds` measured from here. The deletes it
    times (beside createPhenom) are of phenoms made for it here, one per warm call; what its createPhenom calls made is removed after."""
    result_path = workdir / "handler-calls.json"
    # Only beside createPhenom: more rows would change the page the getPhenoms runs list.
    deletes = warm_calls if action == "createPhenom" else 0
    to_delete = [client.create_phenom(["phenom-bench-delete.jpg"]).phenom_id for _ in range(deletes)]
    request = child_request(action, token, warm_calls + 1, to_delete, result_path)
    spawned = time.time()
    finished = subprocess.run(
        [PYTHON, CHILD], input=json.dumps(request), env=env, cwd=REPO_ROOT, text=True, capture_output=True, timeout=300
    )
    if finished.returncode != 0:
        raise BenchError(f"handler_calls.py {action} exited {finished.returncode}: {finished.stderr.strip()[-2000:]}")
    figures = json.loads(result_path.read_text())
    for phenom_id in figures["created"]:
        client.delete_phenom(phenom_id)
    figures["spawn_to_first_answer_seconds"] = figures["first_answer_epoch"] - spawned
    return figures


def import_breakdown(code_or_script: list[str], env: dict[str, str], stdin: str = "") -> dict[str, float]:
    """Seconds of own import time per top-level package (python -X importtime) for one process."""
    finished = subprocess.run(
        [PYTHON, "-X", "importtime", *code_or_script],
        input=stdin,
        env=env,
        cwd=REPO_ROOT,
        text=True,
        capture_output=True,
        timeout=300,
    )
    if finished.returncode != 0:
        raise BenchError(f"python -X importtime {' '.join(code_or_script)} failed: {finished.stderr.strip()[-2000:]}")
    per_package: dict[str, float] = defaultdict(float)
    for line in finished.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line.removeprefix("import time:").split("|", 2)
        per_package[name.strip().split(".")[0]] += int(own) / 1e6
    return dict(per_package)


def zip_sizes(build: bool) -> list[tuple[str, int, dict[str, int]]]:
    """(zip name, bytes, compressed bytes per top-level entry) of each Lambda zip."""
    if build:
        seconds, output = timed_process(BUILD_COMMAND)
        print(f"phenom-build-lambdas took {seconds:.1f}s:\n{output.rstrip()}")
    zips = sorted(ZIP_DIR.glob("*.zip"))
    if not zips:
        raise BenchError(f"no zips in {ZIP_DIR}: run `phenom-build-lambdas` (or drop --no-build)")
    sizes = []
    for path in zips:
        entries: dict[str, int] = defaultdict(int)
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                entries[info.filename.split("/")[0]] += info.compress_size
        sizes.append((path.name, path.stat().st_size, dict(entries)))
    return sizes


def seed_rows(client: PhenomClient, *, uploaded: bool) -> list[str]:
    """LISTED_ROWS phenoms of one file each; uploaded ones are listed once so the handler records them uploaded."""
    seeded = []
    for number in range(LISTED_ROWS):
        created = client.create_phenom([f"phenom-bench-seed-{number}.jpg"])
        seeded.append(created.phenom_id)
        if uploaded:
            client.upload(created.uploads[0], b"phenom bench seed; safe to delete")
    if uploaded:
        client.get_phenoms(limit=LISTED_ROWS)
    return seeded


def print_top(title: str, seconds: dict[str, float], count: int = 8) -> None:
    top = sorted(seconds.items(), key=lambda item: -item[1])[:count]
    total = sum(seconds.values()) * 1000
    print(f"{title} (all: {total:.0f} ms): " + ", ".join(f"{name} {value * 1000:.0f} ms" for name, value in top))


def measure(args: argparse.Namespace) -> tuple[dict[str, list[dict]], dict[str, float], dict[str, float]]:
    """(each action's cold-start figures per run, own import time per package at import, and with the first
    request) against a fresh stack whose smoke user lists LISTED_ROWS phenoms."""
    per_run = math.ceil(args.warm_calls / args.runs)
    figures: dict[str, list[dict]] = {action: [] for action in ACTIONS}
    with running_stack() as (stack, _), tempfile.TemporaryDirectory(prefix="phenom-bench-") as directory:
        workdir, env = Path(directory), lambda_environment(stack.description)
        token = id_token(cognito_client(stack.description), stack.description)
        local = stack.local_stack()
        credentials = SmokeCredentials(local.users[0].username, local.users[0].password, "the bench's stack")
        with PhenomClient(load_environment("local", local_stack=local), credentials) as client:
            client.sign_in()
            seeded = seed_rows(client, uploaded=args.seed_state == "uploaded")
            try:
                for run in range(1, args.runs + 1):
                    for action in ACTIONS:
                        figures[action].append(cold_start(action, token, per_run, env, workdir, client))
                    shown = "  ".join(
                        f"{action} {figures[action][-1]['spawn_to_first_answer_seconds'] * 1000:.0f} ms"
                        for action in ACTIONS
                    )
                    print(f"  cold start {run}/{args.runs}: {shown}", flush=True)
                at_import = import_breakdown(["-c", "import lambdas.action_handler.handler"], env)
                request = child_request("createPhenom", token, 1, [], workdir / "importtime.json")
                with_first_request = import_breakdown([CHILD], env, stdin=json.dumps(request))
                for phenom_id in json.loads((workdir / "importtime.json").read_text())["created"]:
                    client.delete_phenom(phenom_id)
            finally:
                for phenom_id in seeded:
                    client.delete_phenom(phenom_id)
    return figures, at_import, with_first_request


def print_cold_start(action: str, runs: list[dict]) -> tuple[float, float, float]:
    """One action's line; (median spawn to first answer, warm p50, warm p95) in seconds."""

    def typical(key: str) -> float:
        return median([run[key] for run in runs]) * 1000

    spawn = median([run["spawn_to_first_answer_seconds"] for run in runs])
    interpreter = median(
        [run["spawn_to_first_answer_seconds"] - run["script_start_to_first_answer_seconds"] for run in runs]
    )
    warm = [seconds for run in runs for seconds in run["warm_seconds"]]
    p50, p95 = percentile(warm, 0.5), percentile(warm, 0.95)
    print(
        f"  {action:<13} spawn to first answer {spawn * 1000:4.0f} ms = interpreter {interpreter * 1000:.0f} ms"
        f" + import {typical('import_seconds'):.0f} ms + first request {typical('first_seconds'):.0f} ms;"
        f" warm ({len(warm)} calls) p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
    )
    return spawn, p50, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts per action (medians are reported)")
    parser.add_argument("--warm-calls", type=int, default=50, help="warm calls per action, spread over the runs")
    parser.add_argument("--no-build", action="store_true", help="read dist/lambdas instead of running the build")
    parser.add_argument(
        "--seed-state",
        choices=("uploaded", "pending"),
        default="uploaded",
        help="whether the 20 rows getPhenoms lists have their file uploaded or still pending",
    )
    args = parser.parse_args()

    print(f"machine: {machine()}")
    sizes = zip_sizes(build=not args.no_build)
    figures, at_import, with_first_request = measure(args)

    print(f"\nhandler cold start (median of {args.runs}; a fresh process imports the handler and answers once):")
    summary = {action: print_cold_start(action, figures[action]) for action in ACTIONS}
    deletes = [seconds for run in figures["createPhenom"] for seconds in run["delete_seconds"]]
    print(
        f"  deletePhenom  warm ({len(deletes)} calls) p50 {percentile(deletes, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(deletes, 0.95) * 1000:.1f} ms"
    )
    first = figures["createPhenom"][0]
    print(
        f"boto3 imported at module import: {'yes' if first['boto3_at_import'] else 'no'}; "
        f"after the first request: {'yes' if first['boto3_after_first'] else 'no'}"
    )
    print_top("own import time at module import, by top-level package", at_import)
    print_top(
        "imported lazily by the first createPhenom",
        {name: seconds for name, seconds in with_first_request.items() if name not in at_import},
    )
    print("zip sizes:")
    for name, size, entries in sizes:
        top = sorted(entries.items(), key=lambda item: -item[1])[:4]
        print(f"  {name:<26}{size / 1024:9.1f} KiB  largest: " + ", ".join(f"{e} {b / 1024:.0f} KiB" for e, b in top))
    handler_zip = next((size for name, size, _ in sizes if name == "action_handler.zip"), 0)
    (create_cold, create_p50, create_p95), (list_cold, list_p50, list_p95) = (
        summary["createPhenom"],
        summary["getPhenoms"],
    )
    print(
        f"action handler: cold start {create_cold * 1000:.0f} ms (createPhenom) / {list_cold * 1000:.0f} ms "
        f"(getPhenoms); warm p50/p95 createPhenom {create_p50 * 1000:.1f}/{create_p95 * 1000:.1f} ms, getPhenoms "
        f"{list_p50 * 1000:.1f}/{list_p95 * 1000:.1f} ms ({LISTED_ROWS} rows, {args.seed_state}); "
        f"action_handler.zip {handler_zip / 2**20:.2f} MiB"
    )


if __name__ == "__main__":
    main()
