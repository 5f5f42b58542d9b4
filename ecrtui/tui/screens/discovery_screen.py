"""The discovery modal: every (account, role) of the signed-in user in IAM Identity Center,
filterable and multi-selectable, with the regions of their registries; w saves the chosen
ones as targets in the profiles file's generated block (as `ecrtui discover --write`).
Dismissed with the number of targets written (0: nothing saved)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from ecrtui.core.addresses import check_region
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.discover import DEFAULT_JOBS, DiscoveredAccount, discover
from ecrtui.core.errors import EcrtuiError, UsageError
from ecrtui.core.sso_config import SsoConfig
from ecrtui.core.sso_targets import DiscoveredBlock, plan_targets, write_targets
from ecrtui.tui.screens.dialog import Dialog
from ecrtui.tui.screens.sign_in_screen import one_line


def pair_key(account: DiscoveredAccount, role: str) -> str:
    return f"{account.account_id}:{role}"


class DiscoveryScreen(Dialog[int]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="close-discovery", tooltip="Close without saving"),
        Binding("ctrl+s,ctrl+w", "save", "Save targets", id="save-discovery", tooltip="Save the chosen as targets"),
    ]

    DEFAULT_CSS = """
    DiscoveryScreen > #dialog { width: 110; height: 90%; }
    DiscoveryScreen #discovery-title { margin-bottom: 0; }
    DiscoveryScreen SelectionList { height: 1fr; }
    """

    def __init__(
        self, config: SsoConfig, environ: Mapping[str, str], profiles_path: Path, regions: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.config = config
        self.environ = dict(environ)
        self.profiles_path = profiles_path
        self.regions = regions or ("us-east-1",)
        self.accounts: list[DiscoveredAccount] = []
        self.chosen: set[str] = set()

    def body(self) -> ComposeResult:
        title = f"Accounts and roles in IAM Identity Center {self.config.label}"
        yield Static(title, id="discovery-title", classes="dialog-title")
        yield Static("Listing accounts and roles…", id="discovery-status")
        yield Input(placeholder="filter: account ID, name or role", id="discovery-filter")
        yield SelectionList[str](id="discovery-pairs")
        regions = ", ".join(self.regions)
        yield Input(value=regions, placeholder="regions, e.g. us-east-1, eu-west-1", id="discovery-regions")
        hint = f"space: choose · ctrl+s: save as targets in {self.profiles_path} · escape: close"
        yield Static(hint, id="discovery-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.run_worker(self._discover, thread=True, exit_on_error=False, group="identity-center-discovery")

    def _discover(self) -> None:
        factory = ClientFactory(AwsSettings(environ=self.environ, max_attempts=5, max_pool_connections=DEFAULT_JOBS))
        try:
            accounts = discover(self.config, factory, environ=self.environ)
        except EcrtuiError as error:
            self.app.call_from_thread(self._status, f"{error.message} ({error.remediation})".replace(" ()", ""))
            return
        except Exception as error:  # anything else must not leave "Listing accounts…" up forever
            self.app.call_from_thread(self._status, f"Listing failed: {one_line(error)}")
            return
        self.app.call_from_thread(self._show, accounts)

    def _status(self, text: str) -> None:
        self.query_one("#discovery-status", Static).update(text)

    def _show(self, accounts: list[DiscoveredAccount]) -> None:
        self.accounts = accounts
        pairs = sum(len(a.roles) for a in accounts)
        self._status(f"{len(accounts)} accounts, {pairs} roles: choose the ones to log into")
        self._render_options("")

    def _render_options(self, query: str) -> None:
        words = query.lower().split()
        options = []
        for account in self.accounts:
            for role in account.roles:
                label = f"{account.account_id}  {account.account_name}  {role}"
                if all(word in label.lower() for word in words):
                    key = pair_key(account, role)
                    options.append(Selection(label, key, key in self.chosen))
        pairs = self.query_one("#discovery-pairs", SelectionList)
        pairs.clear_options()
        pairs.add_options(options)

    @on(Input.Changed, "#discovery-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._render_options(event.value)

    @on(SelectionList.SelectedChanged, "#discovery-pairs")
    def _selected(self, event: SelectionList.SelectedChanged[str]) -> None:
        shown = {
            str(event.selection_list.get_option_at_index(i).value) for i in range(event.selection_list.option_count)
        }
        self.chosen = (self.chosen - shown) | {str(v) for v in event.selection_list.selected}

    def chosen_accounts(self) -> list[DiscoveredAccount]:
        chosen = []
        for account in self.accounts:
            roles = tuple(r for r in account.roles if pair_key(account, r) in self.chosen)
            if roles:
                chosen.append(DiscoveredAccount(account.account_id, account.account_name, roles))
        return chosen

    def action_save(self) -> None:
        text = self.query_one("#discovery-regions", Input).value
        try:
            regions = tuple(
                dict.fromkeys(check_region(r.strip(), where="region") for r in text.replace(",", " ").split())
            )
            if not regions:
                raise UsageError("no region", remediation="write at least one region, e.g. us-east-1")
            chosen = self.chosen_accounts()
            if not chosen:
                raise UsageError("nothing chosen", remediation="choose accounts and roles with space")
            session = self.config.session_name
            if session is None:
                raise UsageError("targets need an sso-session", remediation="add an [sso-session] to ~/.aws/config")
            every = frozenset((a.account_id, r) for a in self.accounts for r in a.roles)
            block = DiscoveredBlock(session, tuple(plan_targets(session, chosen, regions)), every)
            result = write_targets(self.profiles_path, block)
        except EcrtuiError as error:
            self.notify(f"{error.message}\n{error.remediation}".strip(), title="Not saved", severity="error")
            return
        self.notify(f"{len(result.added)} new targets in {result.path}", title="Targets saved")
        self.dismiss(len(result.added) or result.kept)

    def action_close(self) -> None:
        self.dismiss(0)
