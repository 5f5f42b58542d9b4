"""The app's login child process: it imports only the installed ecrtui (never a package of
the same name in the user's current folder), and it reports every problem the login met."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.credential_helper import use_secret_service
from support.environment import Env
from support.gnome_keyring import SecretServiceSession

import ecrtui
from ecrtui.core.usecases.login import NOT_CACHED, NOT_RECORDED
from ecrtui.tui.login_process import isolated_python, run_logins
from ecrtui.tui.services import Services


def test_the_child_never_imports_from_the_current_folder(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    planted = tmp_path / "ecrtui"
    planted.mkdir()
    (planted / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n__version__ = 'planted'\n")
    (tmp_path / "runpy.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    result = subprocess.run(
        [*isolated_python("ecrtui"), "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ecrtui {ecrtui.__version__} "), result.stdout
    assert not marker.exists(), "a module of the current folder was imported"


def test_the_apps_login_reports_a_locked_keyring_and_an_unwritable_record(
    env: Env, locked_secret_service: SecretServiceSession
) -> None:
    """The two problems `ecrtui login` warns about reach the app too, with what they cost:
    the keyring's arrives after the results, so the child waits for the cache first."""
    use_secret_service(env, locked_secret_service)
    record = env.home / ".local" / "state" / "ecrtui" / "written.json"
    record.parent.mkdir(parents=True)
    record.write_text("{not json")
    profiles = "version: 1\ntargets:\n  - name: dev\n    region: us-east-1\n    registries: ['111111111111']\n"
    env.vars["ECRTUI_CONFIG"] = str(env.write_profiles(profiles))
    services = Services(env.vars)
    registries = services.load_inventory().registries
    problems: list[tuple[str, str]] = []
    results = run_logins(
        services,
        registries,
        lambda events: None,
        lambda problem, cost: problems.append((cost, problem.message)),
        lambda: False,
    )
    assert [r.ok for r in results] == [True], results
    costs = [cost for cost, _ in problems]
    assert sorted(costs) == sorted([NOT_CACHED, NOT_RECORDED]), problems
    assert "written.json" in dict(problems)[NOT_RECORDED], problems
