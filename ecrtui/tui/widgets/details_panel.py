"""The details of the highlighted registry: where it is, how its login went, and for a
failure the error and what to do about it, right under the table."""

from __future__ import annotations

import datetime as dt

from textual.content import Content
from textual.widgets import Static

from ecrtui.core.clock import shown
from ecrtui.tui.rows import ExpiryLevel, RegistryRow, RowStatus, expires_in_text, expiry_level
from ecrtui.tui.wording import for_the_app

LABEL_WIDTH = 12
EXPIRY_STYLES = {ExpiryLevel.FINE: "$success", ExpiryLevel.SOON: "$warning", ExpiryLevel.EXPIRED: "$error"}


def _fact(label: str, value: Content | str) -> Content:
    return Content.styled(label.ljust(LABEL_WIDTH), "$text-muted") + value


class DetailsPanel(Static):
    """Renders one `RegistryRow`, or a message when there is no row to show."""

    DEFAULT_CSS = """
    DetailsPanel {
        height: auto;
        min-height: 7;
        max-height: 14;
        border: round $primary 50%;
        border-title-color: $text-muted;
        padding: 0 1;
    }
    DetailsPanel.-problem {
        border: round $error;
        border-title-color: $error;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Details"

    def show_row(self, row: RegistryRow, now: dt.datetime, *, sso_key: str, diagnose_key: str) -> None:
        registry = row.registry
        who = registry.profile or "default credential chain"
        if registry.role_arn:
            who += f" → {registry.role_arn}"
        lines = [
            _fact("registry", Content.styled(row.label, "bold")),
            _fact("credentials", who),
            _fact("status", self._status_line(row, now)),
        ]
        if row.writers:
            lines.append(_fact("written to", ", ".join(row.writers)))
        problem = row.status in (RowStatus.FAILED, RowStatus.SSO_EXPIRED)
        if problem:
            error = for_the_app(row.error) or "the login failed"
            lines.append(Content.assemble(("✗ ", "bold $error"), (error, "$error")))
            if row.remediation:
                lines.append(Content.assemble(("→ ", "bold"), for_the_app(row.remediation)))
            if row.status is RowStatus.SSO_EXPIRED:
                hint = f"press {sso_key} to run aws sso login --profile {registry.profile or 'default'} and retry"
            else:
                hint = f"press {diagnose_key} for diagnostics"
            lines.append(Content.styled(hint, "italic $text-muted"))
        self.set_class(problem, "-problem")
        self.border_title = f"Details: {registry.target}"
        self.update(Content("\n").join(lines))

    def show_message(self, title: str, message: str, remediation: str = "", *, problem: bool = False) -> None:
        self.set_class(problem, "-problem")
        self.border_title = title
        lines = [Content.styled(message, "$error" if problem else "")]
        if remediation:
            lines.append(Content.assemble(("→ ", "bold"), remediation))
        self.update(Content("\n").join(lines))

    @staticmethod
    def _status_line(row: RegistryRow, now: dt.datetime) -> Content:
        line = Content(row.status_text(now))
        if row.expires_at is None:
            return line
        stamp = shown(row.expires_at)
        level = expiry_level(row.expires_at, now)
        if level is ExpiryLevel.EXPIRED:
            return line + Content.styled(f", token expired {stamp}", "$error")
        countdown = f"{stamp} (in {expires_in_text(row.expires_at, now)})"
        return line + ", token expires " + Content.styled(countdown, EXPIRY_STYLES[level])
