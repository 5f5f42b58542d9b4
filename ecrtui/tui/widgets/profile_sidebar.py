"""The side list of targets (from the profiles file) and AWS profiles (from the shared
config files). Choosing an entry narrows the table to it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ecrtui.core.addresses import RegistryType
from ecrtui.tui.services import Inventory

NAME_WIDTH = 13


class ProfileSidebar(OptionList):
    """Targets first (what the user logs into), then the AWS profiles behind them."""

    DEFAULT_CSS = """
    ProfileSidebar {
        width: 30;
        height: 1fr;
        border: round $primary 50%;
        padding: 0 1;
    }
    ProfileSidebar:focus {
        border: round $primary;
    }
    """

    @dataclass
    class FilterChosen(Message):
        """An entry was chosen: filter the table with `query`."""

        query: str

    def show(self, inventory: Inventory, sso_expired: Collection[str] = ()) -> None:
        """List the inventory; broken targets and profiles whose SSO session expired are
        flagged in the error colour, so the eye finds them first."""
        self.clear_options()
        broken = {problem.target: problem for problem in inventory.problems}
        options: list[Option] = [self._heading("Targets")]
        for target in inventory.targets:
            if target.name in broken:
                detail = broken[target.name].message
            elif target.type is RegistryType.PUBLIC:
                detail = "ECR Public"
            else:
                detail = target.profile or "default chain"
            options.append(self._entry(f"target:{target.name}", target.name, detail, target.name in broken))
        options += [Option(Content(""), disabled=True), self._heading("AWS profiles")]
        for profile in inventory.aws_profiles:
            expired = profile.name in sso_expired
            detail = "SSO expired" if expired else profile.kind
            options.append(self._entry(f"profile:{profile.name}", profile.name, detail, expired))
        if not inventory.aws_profiles:
            options.append(Option(Content.styled("none in the AWS config", "$text-muted"), disabled=True))
        self.add_options(options)

    @staticmethod
    def _heading(text: str) -> Option:
        return Option(Content.styled(text.upper(), "bold $text-muted"), disabled=True)

    @staticmethod
    def _entry(option_id: str, name: str, detail: str, problem: bool) -> Option:
        """`name  detail` in two columns: the name in full, the detail dimmed after it."""
        label = Content.styled(f"✗ {name}" if problem else name, "$error" if problem else "")
        pad = max(1, NAME_WIDTH - len(label.plain))
        line = label + " " * pad + Content.styled(detail, "$error 70%" if problem else "$text-muted")
        return Option(line, id=option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            kind, _, name = event.option.id.partition(":")
            self.post_message(self.FilterChosen(f"{kind}:{name}"))
