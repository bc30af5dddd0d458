"""`python -m phenom_stack up [--json] [--stack ...]`, the same as the `phenom-stack` command."""

import sys

from phenom_stack.cli import main

sys.exit(main())
