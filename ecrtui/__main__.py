"""`python -m ecrtui`: the same entry point as the `ecrtui` console script."""

from __future__ import annotations

from ecrtui.launcher import main

raise SystemExit(main())
