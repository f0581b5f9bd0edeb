"""``python -m routing``: see routing/cli.py for the commands."""

import sys

from .cli import main

sys.exit(main())
