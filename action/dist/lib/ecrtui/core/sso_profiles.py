"""`ecrtui discover --aws-config`: matching `[profile ...]` sections in ~/.aws/config, so
other tools (the AWS CLI, SDKs, terraform) reach the same accounts and roles. Off by
default. Like the targets, they live in a marked block per sso-session that each run
rewrites, byte-identical when nothing changed, pruned with `--prune`; everything outside
the block is left as it was. A generated name that one of the user's sections already has
is an error, and nothing is written."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from ecrtui.core.aws_profiles import read_ini
from ecrtui.core.errors import ConfigError
from ecrtui.core.sso_targets import DiscoveredBlock, GeneratedTarget, WriteResult, read_block, split_lines
from ecrtui.core.writers.jsonfile import write_text_atomically


def profile_name(target: GeneratedTarget) -> str:
    """`SESSION-ACCOUNTNAME-ROLE`, in the characters every tool accepts in a profile name."""
    raw = f"{target.session}-{target.name.replace('/', '-')}"
    return re.sub(r"[^A-Za-z0-9._@-]+", "-", raw).strip("-")


def markers(session: str) -> tuple[str, str]:
    return (
        f"# >>> ecrtui discover --sso-session {session}: generated profiles, rewritten by each run >>>",
        f"# <<< ecrtui discover --sso-session {session}: generated profiles <<<",
    )


def _section(target: GeneratedTarget) -> list[str]:
    lines = [
        f"[profile {profile_name(target)}]",
        f"sso_session = {target.session}",
        f"sso_account_id = {target.account_id}",
        f"sso_role_name = {target.role}",
    ]
    if target.regions:
        lines.append(f"region = {target.regions[0]}")
    return lines


def _existing(lines: list[str], block: tuple[int, int, str] | None, session: str) -> list[GeneratedTarget]:
    if block is None:
        return []
    parser = configparser.RawConfigParser(strict=False, interpolation=None, default_section="\x00")
    try:
        parser.read_string("\n".join(lines[block[0] + 1 : block[1]]))
    except configparser.Error:
        raise ConfigError(
            f"the generated profiles of sso-session {session} were edited into something unreadable",
            remediation="delete the block (between its marker lines) and run discover again",
        ) from None
    found = []
    for section in parser.sections():
        values = dict(parser.items(section))
        name = section.removeprefix("profile ").strip()
        region = values.get("region")
        found.append(
            GeneratedTarget(
                name=name.removeprefix(f"{session}-"),
                session=session,
                account_id=values.get("sso_account_id", ""),
                account_name="",
                role=values.get("sso_role_name", ""),
                regions=(region,) if region else (),
            )
        )
    return found


def write_aws_profiles(path: Path, found: DiscoveredBlock, *, dry_run: bool = False) -> WriteResult:
    """Merge `found` into its session's block of the AWS config file `path`. With
    `dry_run`, everything is checked and nothing written."""
    read_ini(path)  # a broken or unreadable file is reported as it is, before anything is added
    original = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = split_lines(original)
    session = found.session
    begin, end = markers(session)
    block = read_block(lines, session, (begin, end))
    ordered, added, removed = found.merged(_existing(lines, block, session))
    body = [begin, *[line for t in ordered for line in ["", *_section(t)]], "", end]
    outside = lines if block is None else lines[: block[0]] + lines[block[1] + 1 :]
    theirs = {m.group(1).strip() for line in outside if (m := re.match(r"^\s*\[\s*profile\s+(.+?)\s*\]", line))}
    clash = sorted(theirs & {profile_name(t) for t in ordered})
    if clash:
        raise ConfigError(
            f"{path} already has [profile {clash[0]}], which discover would generate",
            remediation="rename your profile, or leave out --aws-config",
        )
    if block is not None:
        lines[block[0] : block[1] + 1] = body
    else:
        lines += ([""] if lines and lines[-1].strip() else []) + body
    text = "\n".join(lines) + "\n"
    if text == original:
        return WriteResult(path, False, (), (), len(ordered))
    if not dry_run:
        write_text_atomically(path, text)
    return WriteResult(path, True, tuple(profile_name(t) for t in ordered if t.name in added), removed, len(ordered))
