"""ecrtui: log into Amazon ECR, many accounts and regions at once, from a TUI or CI."""

from __future__ import annotations

# The one version source: pyproject.toml reads it (dynamic version), `ecrtui --version`
# prints it, and CHANGELOG.md's newest entry and the release tag `v<version>` match it.
__version__ = "0.2.0"
