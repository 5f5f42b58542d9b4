"""The two ways to run the demo: the app inside the demo's world (`app_stage`, which the
app enters), and the headless tour that shows each command (`run_headless_demo`, given
the headless CLI to run them with)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence

MISSING_EXTRA = (
    "error: the demo needs its extra (moto server and a file keyring): "
    "pip install 'ecrtui[demo]' (with pipx: pipx install 'ecrtui[demo]', "
    "or pipx inject ecrtui 'moto[server]' keyrings.alt)"
)
AWS_CLI_STAND_IN = "ecrtui.demo.sso"
"""The module the demo runs in place of `aws` (it has no SSO portal to log into)."""


def missing_extra() -> str | None:
    """What to run when the demo's dependencies are not installed, else None."""
    try:
        import keyrings.alt.file  # noqa: F401 - the demo's keyring
        import moto.server  # noqa: F401 - the demo's AWS
    except ImportError:
        return MISSING_EXTRA
    return None


@contextlib.contextmanager
def app_stage() -> Iterator[str]:
    """The app's demo world: the stand-ins running and os.environ pointing at them; yields
    the module that stands in for the AWS CLI."""
    from ecrtui.demo.environment import demo_environment  # the launcher imports this module: kept light

    with demo_environment():
        yield AWS_CLI_STAND_IN


# The tour: what it says, then the command it runs.
TOUR = (
    ("", ["login", "--all"]),
    (
        "(exit code {code}: the legacy-sso target fails on purpose, to show the hint)\n\n",
        ["doctor", "--target", "staging"],
    ),
    ("\n", ["status"]),
    ("\n", ["sso", "login", "--sso-session", "demo", "--no-browser"]),
    ("\n", ["discover", "--sso-session", "demo", "--region", "us-east-1"]),
)
LOGOUT = ["logout", "--target", "dev", "--target", "staging", "--target", "prod", "--target", "public"]


def run_headless_demo(run: Callable[[Sequence[str]], int]) -> int:
    """Log into every demo target with `run` (the headless CLI), show the results and the
    docker config, log out. 0 when every step did what the demo expects."""
    from ecrtui.demo.environment import demo_environment

    out = sys.stdout
    with demo_environment() as home:
        out.write(f"ecrtui demo: stand-ins running, throwaway HOME {home}\n\n")
        codes: list[int] = []
        for before, command in TOUR:
            out.write(before.format(code=codes[0] if codes else 0))
            out.write(f"$ ecrtui {' '.join(command)}\n")
            out.flush()
            codes.append(run(command))
        hosts = (home / ".docker" / "config.json").read_text().count('"auth"')
        out.write(f"\n{home}/.docker/config.json now holds {hosts} registry entries (mode 0600).\n")
        out.write(f"\n$ ecrtui {' '.join(LOGOUT)}\n")
        out.flush()
        logout_code = run(LOGOUT)
    login_code, _doctor, _status, sso_code, discover_code = codes
    return 0 if login_code in (0, 1) and logout_code == sso_code == discover_code == 0 else 1
