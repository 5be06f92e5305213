"""`python -m iadsim ...`: the same command as `iadsim ...`."""

from iadsim.cli import main

raise SystemExit(main())
