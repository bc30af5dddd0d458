"""`python -m tests.stack up [--json] [--stack ...]`, the same as the `phenom-stack` command."""

import sys

from tests.stack.cli import main

sys.exit(main())
