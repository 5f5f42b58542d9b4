"""The demo's stand-in for `aws sso login --profile X`.

`ecrtui --demo` has a profile whose SSO session has expired, to show how the app handles
it. There is no SSO portal to log into, so the demo runs this instead of the AWS CLI: it
says what the real command would do, then gives the profile the demo's static test keys
in the throwaway AWS config, which is what a refreshed session amounts to for ecrtui.
It only ever edits the file named by AWS_CONFIG_FILE, which the demo points at its
temporary folder.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Sequence


def refresh_profile(config_path: str, profile: str) -> bool:
    """Replace the profile's SSO settings with static test keys; False if it is unknown."""
    parser = configparser.RawConfigParser()
    parser.read(config_path, encoding="utf-8")
    section = "default" if profile == "default" else f"profile {profile}"
    if not parser.has_section(section):
        return False
    for key in [k for k in parser.options(section) if k.startswith("sso_")]:
        parser.remove_option(section, key)
    parser.set(section, "aws_access_key_id", "testing")
    parser.set(section, "aws_secret_access_key", "testing")
    with open(config_path, "w", encoding="utf-8") as handle:
        parser.write(handle)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] != ["sso", "login"] or "--profile" not in args:
        sys.stderr.write("demo aws stand-in: only `sso login --profile NAME` is supported\n")
        return 2
    profile = args[args.index("--profile") + 1]
    config_path = os.environ.get("AWS_CONFIG_FILE", "")
    print("Attempting to automatically open the SSO authorization page in your default browser.")
    print("(ecrtui demo: there is no browser step; the demo session is refreshed at once.)")
    if not config_path or not refresh_profile(config_path, profile):
        sys.stderr.write(f"The config profile ({profile}) could not be found\n")
        return 255
    print(f"Successfully logged into Start URL for profile {profile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
