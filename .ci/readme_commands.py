"""Print the commands of the README's first fenced block, one per line, so CI runs what the README says."""

import sys
from pathlib import Path


def first_block_commands(text: str) -> list[str]:
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("```"))
        end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    except StopIteration:
        sys.exit("README.md has no fenced block of commands for CI to run")
    commands = [line.strip() for line in lines[start + 1 : end] if line.strip() and not line.lstrip().startswith("#")]
    if len(commands) != 2:
        sys.exit(f"README.md's first block must hold exactly two commands, found {len(commands)}")
    return commands


if __name__ == "__main__":
    print("\n".join(first_block_commands(Path(sys.argv[1]).read_text(encoding="utf-8"))))
