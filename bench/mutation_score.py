"""mutmut's score per area, read from the results `mutmut run` left under mutants/ (`make mutation` runs both).

    .venv/bin/python bench/mutation_score.py [--survivors] [--mutants DIR]

Areas: `lambdas/` (the three Lambdas and their shared code) and `phenom_client/` (the client and the round-trip's
oracle). A mutant counts as killed when a test failed or timed out on it; the score is killed over checked, and
mutants not checked yet (a run stopped early, or a subset run) are counted apart, never as killed or survived.
tests/mutation-survivors.md records survivors as `equivalent` (no input behaves differently: left out of the score)
or `wording` (only a message's text changes: still counted as survived, and listed apart as justified).
With --survivors, every surviving mutant's name is printed, for `mutmut show <name>`. The last line sums it up.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
AREAS = ("lambdas", "phenom_client")
EQUIVALENTS_FILE = REPO_ROOT / "tests" / "mutation-survivors.md"
# mutmut's exit codes (mutmut/stats.py): a failing test or a timeout kills the mutant.
_KILLED = {1, 3, 36, 24, -24, 152, 255}
_SURVIVED = {0}
_NO_TESTS = {5, 33}
_RECORDED_LINE = re.compile(r"^\|\s*`([\w.ǁ]+__mutmut_\d+)`\s*\|.*\|\s*(equivalent|wording):")


def recorded_survivors(path: Path = EQUIVALENTS_FILE) -> dict[str, str]:
    """Kind (`equivalent` or `wording`) by mutant name, from the survivors file's table."""
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return {match.group(1): match.group(2) for line in lines if (match := _RECORDED_LINE.match(line))}


def results(mutants_dir: Path) -> dict[str, dict[str, int | None]]:
    """Exit code by mutant name, per area, from mutmut's .meta files."""
    by_area: dict[str, dict[str, int | None]] = {area: {} for area in AREAS}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        area = meta.relative_to(mutants_dir).parts[0]
        if area in by_area:
            by_area[area].update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return by_area


def tally(codes: dict[str, int | None], recorded: dict[str, str]) -> Counter[str]:
    counts: Counter[str] = Counter(total=len(codes))
    for name, code in codes.items():
        if code is None:
            counts["not checked"] += 1
        elif code in _KILLED:
            counts["killed"] += 1
        elif code in _SURVIVED:
            kind = recorded.get(name)
            counts["equivalent" if kind == "equivalent" else "survived"] += 1
            if kind == "wording":
                counts["wording"] += 1
        elif code in _NO_TESTS:
            counts["no tests"] += 1
        else:
            counts["suspicious"] += 1
    return counts


def score(counts: Counter[str]) -> float:
    """Killed over the mutants that were checked and are not recorded as equivalent."""
    checked = counts["killed"] + counts["survived"] + counts["no tests"] + counts["suspicious"]
    return counts["killed"] / checked if checked else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", action="store_true", help="list every surviving mutant")
    parser.add_argument("--mutants", type=Path, default=REPO_ROOT / "mutants", help="mutmut's working directory")
    args = parser.parse_args()
    if not args.mutants.is_dir():
        raise SystemExit(f"{args.mutants} does not exist: run `make mutation` (or `mutmut run`) first")
    recorded = recorded_survivors()
    summary = []
    for area, codes in results(args.mutants).items():
        counts = tally(codes, recorded)
        print(
            f"{area + '/':15} {counts['killed']:5} killed / {counts['total'] - counts['not checked'] - counts['equivalent']:5} checked"
            f"  score {score(counts):6.1%}  (survived {counts['survived']}, of which wording {counts['wording']}; "
            f"equivalent {counts['equivalent']}, "
            f"no tests {counts['no tests']}, suspicious {counts['suspicious']}, not checked {counts['not checked']} "
            f"of {counts['total']})"
        )
        if args.survivors:
            for name, code in sorted(codes.items()):
                if code in _SURVIVED and name not in recorded:
                    print(f"    survived: {name}")
        summary.append(f"{area} {score(counts):.1%}")
    print("mutation score: " + ", ".join(summary))


if __name__ == "__main__":
    main()
