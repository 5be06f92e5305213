"""`python -m iadsim.cli`: the same as the `iadsim` command."""

import sys

from iadsim.cli import main

sys.exit(main())
