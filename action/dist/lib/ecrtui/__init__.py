"""ecrtui: log into Amazon ECR, many accounts and regions at once, from a TUI or CI."""

from __future__ import annotations

__version__ = "0.1.0"
