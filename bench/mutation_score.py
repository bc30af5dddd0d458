"""mutmut's score per area, read from the results `mutmut run` left under mutants/ (`make mutation` runs both).

    .venv/bin/python bench/mutation_score.py [--survivors] [--mutants DIR ...]

Areas: `lambdas/` (the three Lambdas and their shared code), `phenom_client/` (the client and the round-trip's
oracle) and, inside it, the oracle alone (`roundtrip.py` and `steps.py`). A mutant counts as killed when a test failed
or timed out on it; the score is killed over checked, and mutants not checked yet (a run stopped early, or a subset
run) are counted apart, never as killed or survived. tests/mutation-survivors.md records the survivors that are
`equivalent` (no input behaves differently), left out of the score. Several --mutants folders (runs of disjoint
MUTANTS patterns, e.g. in several checkouts) are read as one run: the first folder's mutants are the ones counted, each
with its first checked result across the folders.
With --survivors, every surviving mutant's name is printed, for `mutmut show <name>`. The last line sums it up.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Each area by the prefixes of its mutants' names.
AREAS = {
    "lambdas/": ("lambdas.",),
    "phenom_client/": ("phenom_client.",),
    "the oracle (roundtrip.py, steps.py)": ("phenom_client.roundtrip.", "phenom_client.steps."),
}
EQUIVALENTS_FILE = REPO_ROOT / "tests" / "mutation-survivors.md"
# mutmut's exit codes (mutmut/stats.py): a failing test or a timeout kills the mutant.
_KILLED = {1, 3, 36, 24, -24, 152, 255}
_SURVIVED = {0}
_NO_TESTS = {5, 33}
_RECORDED_LINE = re.compile(r"^\|\s*`([\w.ǁ]+__mutmut_\d+)`\s*\|.*\|\s*equivalent:")


def recorded_equivalents(path: Path = EQUIVALENTS_FILE) -> set[str]:
    """The mutants the survivors file's table records as equivalent."""
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {match.group(1) for line in lines if (match := _RECORDED_LINE.match(line))}


def results(mutants_dirs: list[Path]) -> dict[str, int | None]:
    """Exit code by mutant name from mutmut's .meta files. The first folder says which mutants there are; a mutant's
    result is its first checked one across the folders (a mutant's name changes with its function's code)."""
    by_folder = [_codes(folder) for folder in mutants_dirs]
    return {
        name: next((codes[name] for codes in by_folder if codes.get(name) is not None), None) for name in by_folder[0]
    }


def _codes(mutants_dir: Path) -> dict[str, int | None]:
    codes: dict[str, int | None] = {}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def in_area(codes: dict[str, int | None], prefixes: tuple[str, ...]) -> dict[str, int | None]:
    return {name: code for name, code in codes.items() if name.startswith(prefixes)}


def tally(codes: dict[str, int | None], equivalents: set[str]) -> Counter[str]:
    counts: Counter[str] = Counter(total=len(codes))
    for name, code in codes.items():
        if code is None:
            counts["not checked"] += 1
        elif code in _KILLED:
            counts["killed"] += 1
        elif code in _SURVIVED:
            counts["equivalent" if name in equivalents else "survived"] += 1
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
    parser.add_argument(
        "--mutants", type=Path, action="append", help="mutmut's working directory (repeatable; default mutants/)"
    )
    args = parser.parse_args()
    folders = args.mutants or [REPO_ROOT / "mutants"]
    missing = [str(folder) for folder in folders if not folder.is_dir()]
    if missing:
        raise SystemExit(f"{', '.join(missing)}: no such folder; run `make mutation` (or `mutmut run`) first")
    equivalents = recorded_equivalents()
    codes = results(folders)
    summary = []
    for area, prefixes in AREAS.items():
        counts = tally(in_area(codes, prefixes), equivalents)
        checked = counts["total"] - counts["not checked"] - counts["equivalent"]
        print(
            f"{area:38} {counts['killed']:5} killed / {checked:5} checked  score {score(counts):6.1%}  "
            f"(survived {counts['survived']}, no tests {counts['no tests']}, suspicious {counts['suspicious']}; "
            f"equivalent {counts['equivalent']}, not checked {counts['not checked']} of {counts['total']})"
        )
        summary.append(f"{area} {score(counts):.1%}")
    if args.survivors:
        for name, code in sorted(codes.items()):
            if code in _SURVIVED and name not in equivalents:
                print(f"    survived: {name}")
    stale = sorted(
        name for name in equivalents if name not in codes or (codes[name] is not None and codes[name] not in _SURVIVED)
    )
    if stale:
        print(f"{len(stale)} rows of {EQUIVALENTS_FILE.name} name no surviving mutant (killed, or gone with its code):")
        for name in stale:
            print(f"    stale: {name}")
    print("mutation score: " + ", ".join(summary))


if __name__ == "__main__":
    main()
