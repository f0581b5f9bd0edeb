"""``python -m routing``: see routing/cli.py for the commands."""

import sys

from routing.cli.main import main

sys.exit(main())
