"""The diagnostics screen for one registry: the doctor's checks with their findings and
remediations, and the IAM policy that would fix a denial, in a read-only text area so
it can be selected and copied (or copied whole with a key)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, LoadingIndicator, Static, TextArea

from ecrtui.core.diagnose.models import Check, CheckStatus
from ecrtui.tui.rows import RegistryRow
from ecrtui.tui.services import Diagnosis, check_title
from ecrtui.tui.wording import for_the_app

TITLE_WIDTH = 26
STATE_MARKS = {CheckStatus.OK: "✔", CheckStatus.WARN: "!", CheckStatus.FAIL: "✗", CheckStatus.SKIP: "·"}
PROBLEMS = (CheckStatus.FAIL, CheckStatus.WARN)
# Where a word too long for the title column may break: after the punctuation of an
# action or a host (`ecr-public:` `GetAuthorizationToken`, `123456789012.dkr.ecr.`).
WORD_PIECES = re.compile(r"[^:/,.]*[:/,.]+|[^:/,.]+")


def wrap_title(title: str, width: int = TITLE_WIDTH) -> list[str]:
    """`title` in lines of at most `width` cells: broken at spaces, a word too long for
    a line after its punctuation, and mid-word only as a last resort."""
    lines: list[str] = []
    line = ""
    for word in title.split():
        joined = f"{line} {word}" if line else word
        if cell_len(joined) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
            line = ""
        for piece in WORD_PIECES.findall(word):
            while cell_len(line + piece) > width:
                if line:
                    lines.append(line)
                    line = ""
                else:
                    lines.append(piece[:width])
                    piece = piece[width:]
            line += piece
    if line:
        lines.append(line)
    return lines


def title_text(check: Check) -> Text:
    """The check's name in bold, what it is about (`(ecr-public:…)`, `[host]`) after it
    in the normal weight, wrapped to the title column."""
    title = check_title(check)
    wrapped = "\n".join(wrap_title(title))
    name_end = len(check.title.split(" (", 1)[0].split(" [", 1)[0])
    # Find where the name ends in the wrapped text: a line break stands for a space or
    # is inserted after punctuation.
    at = end = 0
    while end < len(wrapped) and at < name_end:
        if wrapped[end] == title[at] or (wrapped[end] == "\n" and title[at] == " "):
            at += 1
        end += 1
    text = Text(wrapped)
    text.stylize("bold", 0, end)
    return text


def group_checks(checks: Sequence[Check]) -> list[Check]:
    """The same finding about several subjects (a host, a region) as one check: `Stored
    credentials [2 registries]`, the subjects named once in its finding. Identical
    repeats collapse into one."""
    groups: dict[tuple[object, ...], list[Check]] = {}
    for check in checks:
        subject = check.subject or ""

        def template(text: str, subject: str = subject) -> str:
            return text.replace(subject, "\0") if subject else text

        key = (
            check.target,
            check.category,
            check.title,
            check.status,
            template(check.finding),
            template(check.remediation),
        )
        groups.setdefault(key, []).append(check)
    grouped = []
    for members in groups.values():
        first = members[0]
        subjects = list(dict.fromkeys(c.subject for c in members if c.subject))
        if len(subjects) < 2:
            grouped.append(first)
            continue
        names = ", ".join(subjects)
        noun = "registries" if all(".amazonaws.com" in s or s.endswith(".aws") for s in subjects) else "of them"
        grouped.append(
            dataclasses.replace(
                first,
                subject=names if cell_len(names) <= TITLE_WIDTH else f"{len(subjects)} {noun}",
                finding=first.finding.replace(first.subject or "", names),
                remediation=first.remediation.replace(first.subject or "", names),
            )
        )
    return grouped


def render_checks(diagnosis: Diagnosis, colours: Mapping[CheckStatus, Style], heading_style: Style) -> Table:
    """A grid of checks: what needs attention first (failures, then warnings), then the
    rest under a heading per stage. Each row is the mark, the check's name, and its
    finding with the fix below it, in columns so the findings line up."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(max_width=TITLE_WIDTH, overflow="fold")
    grid.add_column(ratio=1, overflow="fold")  # an ARN has no space to wrap at

    def heading(text: str) -> None:
        if grid.row_count:
            grid.add_row("", "", "")
        grid.add_row("", Text(text.upper(), style=heading_style), "")

    def add(check: Check) -> None:
        colour = colours[check.status]
        finding = Text(for_the_app(check.finding))
        if check.remediation:
            finding.append("\n→ ", style=colour).append(for_the_app(check.remediation))
        grid.add_row(Text(STATE_MARKS[check.status], style=colour + Style(bold=True)), title_text(check), finding)

    problems = sorted((c for c in diagnosis.checks if c.status in PROBLEMS), key=lambda c: PROBLEMS.index(c.status))
    if problems:
        heading("Needs attention")
        for check in problems:
            add(check)
    section: tuple[bool, str] | None = None
    for check in diagnosis.checks:
        if check.status in PROBLEMS:
            continue
        here = (check.target is None, check.category.value)
        if here != section:
            heading(("This machine: " if check.target is None else "") + check.category.value)
            section = here
        add(check)
    return grid


def summary(diagnosis: Diagnosis, colours: Mapping[CheckStatus, Style]) -> Text:
    """`✗ 1 failed  ! 1 warning  ✔ 7 ok`: the verdict before the details."""
    words = {
        CheckStatus.FAIL: "failed",
        CheckStatus.WARN: "warning",
        CheckStatus.OK: "ok",
        CheckStatus.SKIP: "skipped",
    }
    line = Text()
    for status, word in words.items():
        count = sum(1 for c in diagnosis.checks if c.status is status)
        plural = "s" if status is CheckStatus.WARN and count > 1 else ""
        if count:
            line.append(f"{STATE_MARKS[status]} {count} {word}{plural}   ", style=colours[status] + Style(bold=True))
    return line


class DiagnosticsScreen(ModalScreen[None]):
    """Shows a spinner until the app hands it the diagnosis of `row`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="close-diagnostics", tooltip="Close the diagnostics"),
        Binding("c", "copy_report", "Copy report", id="copy-report", tooltip="Diagnostics: copy the whole report"),
        Binding("p", "copy_policy", "Copy policy", id="copy-policy", tooltip="Diagnostics: copy the IAM policy (JSON)"),
        Binding("question_mark", "app.help", "Help", priority=True, id="diagnostics-help", tooltip="Diagnostics: keys"),
        Binding("up,k", "scroll_checks(-1)", "Up", show=False, id="diagnostics-up", tooltip="Diagnostics: scroll up"),
        Binding(
            "down,j", "scroll_checks(1)", "Down", show=False, id="diagnostics-down", tooltip="Diagnostics: scroll down"
        ),
    ]

    DEFAULT_CSS = """
    DiagnosticsScreen {
        align: center middle;
    }
    DiagnosticsScreen > #dialog {
        width: 92%;
        height: 92%;
        border: thick $primary 60%;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    DiagnosticsScreen #checks {
        height: 1fr;
        margin: 1 0 0 0;
    }
    DiagnosticsScreen #policy-title {
        color: $text-muted;
        margin-top: 1;
    }
    DiagnosticsScreen TextArea {
        height: auto;
        max-height: 35%;
    }
    DiagnosticsScreen #summary {
        margin-top: 1;
    }
    DiagnosticsScreen LoadingIndicator {
        height: 3;
    }
    """

    def __init__(self, row: RegistryRow) -> None:
        super().__init__()
        self.row = row
        self.diagnosis: Diagnosis | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = f"Diagnostics: {self.row.label}"
            yield LoadingIndicator()
            yield Static(id="summary")
            with VerticalScroll(id="checks"):
                yield Static(id="check-list")
            yield Static("IAM policy that grants what is missing", id="policy-title")
            policy = TextArea("", read_only=True, show_line_numbers=False, id="policy")
            policy.cursor_blink = False  # read-only text: a blinking cursor only distracts
            yield policy
            yield Footer()  # this screen's keys, as the user's keymap has them

    def on_mount(self) -> None:
        for widget in ("#checks", "#policy-title", "#policy"):
            self.query_one(widget).display = False
        self.query_one("#summary", Static).update("Running the checks…")
        self._done = 0

    def help_bindings(self) -> list[Binding]:
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    def show_progress(self, check: Check) -> None:
        """A check finished while the others run: count it, name it."""
        if self.diagnosis is not None:
            return
        self._done += 1
        self.query_one("#summary", Static).update(
            Text.assemble(f"Running the checks… {self._done} done, last: ", (check_title(check), "bold"))
        )

    def action_scroll_checks(self, lines: int) -> None:
        self.query_one("#checks", VerticalScroll).scroll_relative(y=lines, animate=False)

    def show_diagnosis(self, diagnosis: Diagnosis) -> None:
        self.diagnosis = diagnosis  # copied whole; shown with repeated findings grouped
        shown = Diagnosis(diagnosis.subject, tuple(group_checks(diagnosis.checks)))
        self.query_one(LoadingIndicator).display = False
        self.query_one("#checks").display = True
        theme = self.app.current_theme
        colours = {
            CheckStatus.OK: Style(color=theme.success or "green"),
            CheckStatus.WARN: Style(color=theme.warning or "yellow"),
            CheckStatus.FAIL: Style(color=theme.error or "red"),
            CheckStatus.SKIP: Style(dim=True),
        }
        heading = Style(color=theme.accent or "cyan", bold=True)
        self.query_one("#summary", Static).update(summary(shown, colours))
        self.query_one("#check-list", Static).update(render_checks(shown, colours, heading))
        has_policy = diagnosis.policy is not None
        self.query_one("#policy-title").display = has_policy
        policy = self.query_one("#policy", TextArea)
        policy.display = has_policy
        policy.load_text(diagnosis.policy or "")
        self.refresh_bindings()  # the copy keys apply now

    def show_failure(self, title: str, message: str) -> None:
        """The diagnosis itself failed: say so instead of spinning on."""
        self.query_one(LoadingIndicator).display = False
        self.query_one("#summary", Static).update(Text.assemble((f"{title}: ", "bold"), message))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Copying waits for the report: the keys are hidden while the checks run."""
        return self.diagnosis is not None or action not in ("copy_report", "copy_policy")

    def action_copy_report(self) -> None:
        if self.diagnosis is not None:
            self.app.copy_to_clipboard(self.diagnosis.as_text())
            self.notify("Report copied to the clipboard")

    def action_copy_policy(self) -> None:
        if self.diagnosis is not None and self.diagnosis.policy:
            self.app.copy_to_clipboard(self.diagnosis.policy)
            self.notify("Policy copied to the clipboard")
        else:
            self.notify("This report proposes no policy", severity="warning")
