"""The registry table's columns and how they share the width: registry, status and
expiry always show; the others join by priority while they fit (`plan_columns`), or
all of them show in the wide layout, which scrolls sideways a column at a time."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from ecrtui.core.partitions import REGISTRY_DOMAINS
from ecrtui.tui.rows import RegistryRow, RowStatus

# What the eye looks for first comes first: which registry, and is it usable. Account,
# region, type and profile follow.
COLUMNS = (
    ("mark", " "),
    ("target", "Target"),
    ("host", "Registry"),
    ("status", "Status"),
    ("expires", "Expires in"),
    ("account", "Account"),
    ("region", "Region"),
    ("type", "Type"),
    ("profile", "Profile"),
)
LABELS = dict(COLUMNS)
RIGHT_ALIGNED = frozenset({"expires"})
# Cells are one space apart (two after a right-aligned column, whose text would
# otherwise run into the next one), with a space at either end of the line.
GAPS = {key: 2 if key in RIGHT_ALIGNED else 1 for key, _ in COLUMNS}
EDGE = 1
HEADER_HEIGHT = 1
SORT_MARK = "▾"
# Status and expiry have fixed widths (their longest possible text, or the header with
# its sort mark), so they never jump as logins run or a filter is typed.
FIXED = {
    "mark": 1,
    "status": max(len("expired"), *(len(status.value) for status in RowStatus)),
    "expires": len(LABELS["expires"]) + 1,
}
# In the compact layout (the default) the registry, its status and its expiry always
# show; the others join, in this order, while they fit, as k9s does: the target (cut to
# TARGET_CAP with an ellipsis), the host in full (else without `.amazonaws.com`), then
# profile, account, region and type, each whole or not at all (an account id is never
# shown cut).
UPGRADES = ("target", "host-full", "profile", "account", "region", "type")
TARGET_CAP = 16
TARGET_MIN = 6
HOST_MIN = 12


def short_host(host: str) -> str:
    """An ECR host without its domain: `111111111111.dkr.ecr.eu-west-1…`."""
    for domain in REGISTRY_DOMAINS:
        if host.endswith(domain):
            return host[: -len(domain)] + "…"
    return host


def fit(key: str, text: str, width: int) -> str:
    """`text` in `width` cells: the host abbreviated first, anything cut ends in `…`."""
    if cell_len(text) <= width:
        return text
    if key == "host":
        text = short_host(text)
        if cell_len(text) <= width:
            return text
    return text[: max(0, width - 1)] + "…" if width > 0 else ""


def line_width(widths: dict[str, int]) -> int:
    shown = [key for key, _ in COLUMNS if key in widths]
    return sum(widths.values()) + sum(GAPS[key] for key in shown[:-1]) + 2 * EDGE


def plan_columns(natural: dict[str, int], available: int, *, wide: bool) -> dict[str, int]:
    """Each shown column's width. Wide: every column in full (the table scrolls
    sideways). Compact: what fits `available`, by the priorities above."""
    if wide:
        return {key: max(natural[key], FIXED.get(key, 0)) for key, _ in COLUMNS}
    widths = {
        "mark": FIXED["mark"],
        "host": natural["host_short"],
        "status": FIXED["status"],
        "expires": FIXED["expires"],
    }
    over = line_width(widths) - available
    if over > 0:
        widths["host"] = max(HOST_MIN, widths["host"] - over)
    for upgrade in UPGRADES:
        room = available - line_width(widths)
        if upgrade == "host-full":
            if natural["host"] > widths["host"] and natural["host"] - widths["host"] <= room:
                widths["host"] = natural["host"]
        elif upgrade == "target":
            want = min(natural["target"], TARGET_CAP)
            if room - GAPS["target"] >= TARGET_MIN:
                widths["target"] = min(want, room - GAPS["target"])
        elif natural[upgrade] + GAPS[upgrade] <= room:
            widths[upgrade] = natural[upgrade]
    if "target" in widths:  # what is left lets a long target name show in full
        room = available - line_width(widths)
        widths["target"] = min(natural["target"], widths["target"] + max(0, room))
    return widths


def natural_widths(rows: Iterable[RegistryRow]) -> dict[str, int]:
    """What each column would need to show every row in full (and its header)."""
    widths = {key: cell_len(label) + 1 for key, label in COLUMNS}  # +1: room for the sort mark
    widths["host_short"] = widths["host"]
    for row in rows:
        registry = row.registry
        label = row.host or f"default registry ({registry.region})"
        texts = {
            "target": registry.target,
            "host": label,
            "account": row.account_id or "—",
            "region": registry.region,
            "type": registry.type.value,
            "profile": registry.profile or "(default)",
            "host_short": short_host(label),
        }
        for key, text in texts.items():
            width = len(text) if text.isascii() else cell_len(text)  # hosts and ids are ASCII: fast
            if width > widths[key]:
                widths[key] = width
    return widths


def line_strip(cells: dict[str, Text], widths: dict[str, int], base: Style, *, cursor: bool = False) -> Strip:
    """One line: each cell padded to its column's width, the cells `GAPS` apart. On
    the cursor row the cursor's colours win, so a red status stays readable on it."""
    segments = [Segment(" " * EDGE, base)]
    shown = [key for key, _ in COLUMNS if key in widths]
    for index, key in enumerate(shown):
        text = cells[key]
        width = widths[key]
        plain = fit(key, text.plain, width)
        pad = width - cell_len(plain)
        body = (" " * pad + plain) if key in RIGHT_ALIGNED else (plain + " " * pad)
        own = text.style if isinstance(text.style, Style) else Style()
        style = own + base if cursor else base + own
        gap = EDGE if index == len(shown) - 1 else GAPS[key]
        segments += [Segment(body, style), Segment(" " * gap, base)]
    return Strip(segments, line_width(widths)).simplify()
