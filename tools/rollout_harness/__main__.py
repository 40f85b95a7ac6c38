"""`python -m rollout_harness`: see cli.py."""

import sys

from rollout_harness.cli import main

sys.exit(main(sys.argv[1:]))
