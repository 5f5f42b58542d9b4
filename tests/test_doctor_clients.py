"""`ecrtui doctor` for the clients of ecrtui's credentials, through the real command: the
credential helper's last failure for a host (docker hides it), and the local runtimes'
traps (a leftover `credsStore: desktop`, Rancher Desktop and `credsStore: ecrtui`, Finch's
own config file)."""

from __future__ import annotations

import json
from pathlib import Path

from support.commands import run_cli
from support.credential_helper import HOST, helper, set_mode, use_ecr_standin, use_file_keyring
from support.doctor import doctor_cli, json_checks
from support.environment import Env

from ecrtui.demo.standins.ecr_public import EcrPublicStandin


def _profiles(env: Env) -> Path:
    return env.write_profiles(
        'version: 1\ntargets:\n  - name: dev\n    region: us-east-1\n    registries:\n      - {id: "123456789012"}\n'
    )


def _docker_config(env: Env, data: dict[str, object]) -> None:
    env.docker_config.parent.mkdir(parents=True, exist_ok=True)
    env.docker_config.write_text(json.dumps(data))


def test_doctor_shows_the_helpers_last_failure_for_the_host(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    config = _profiles(env)
    env.vars["ECRTUI_CONFIG"] = str(config)
    _code, document, _ = doctor_cli(env, "--config", str(config), "--target", "dev")
    [quiet] = json_checks(document, "local.helper-log")
    assert quiet["status"] == "ok" and "helper.log" in quiet["finding"]

    set_mode(ecr_public, "denied")
    failed = helper(env, "get", HOST)
    assert failed.returncode == 1 and "helper.log" in failed.stdout

    _code, document, _ = doctor_cli(env, "--config", str(config), "--target", "dev")
    [found] = json_checks(document, "local.helper-log")
    assert found["status"] == "warn" and found["subject"] == HOST
    assert "refresh failed" in found["finding"], found
    log = env.home / ".local" / "state" / "ecrtui" / "helper.log"
    assert str(log) in found["remediation"]


def test_a_leftover_desktop_store_is_named_with_its_fix(env: Env) -> None:
    _docker_config(env, {"credsStore": "desktop", "auths": {}})
    _code, document, _ = doctor_cli(env, "--config", str(_profiles(env)), "--target", "dev")
    [found] = json_checks(document, "local.runtime.desktop-leftover")
    assert found["status"] == "fail"
    assert '"credsStore": "desktop"' in found["remediation"] and str(env.docker_config) in found["remediation"]


def test_rancher_desktop_and_creds_store_ecrtui_is_warned(env: Env) -> None:
    _docker_config(env, {"credsStore": "ecrtui"})
    config = _profiles(env)
    _code, document, _ = doctor_cli(env, "--config", str(config), "--target", "dev")
    assert json_checks(document, "local.runtime.rancher") == [], "no Rancher Desktop here"
    (env.home / ".rd").mkdir()  # what Rancher Desktop creates in HOME
    _code, document, _ = doctor_cli(env, "--config", str(config), "--target", "dev")
    [found] = json_checks(document, "local.runtime.rancher")
    assert found["status"] == "warn" and "ecrtui helper install" in found["remediation"]


def test_finch_reads_its_own_file_and_helper_install_there_fixes_it(env: Env) -> None:
    config = _profiles(env)
    finch = env.home / ".finch"
    finch.mkdir()
    _code, document, _ = doctor_cli(env, "--config", str(config), "--target", "dev")
    [found] = json_checks(document, "local.runtime.finch")
    assert found["status"] == "warn" and HOST in found["finding"] and str(finch / "config.json") in found["finding"]

    # The fix the check gives: helper install into Finch's folder.
    installed = run_cli({**env.vars, "DOCKER_CONFIG": str(finch)}, "helper", "install", "--config", str(config))
    assert installed.returncode == 0, installed.stderr
    assert json.loads((finch / "config.json").read_text())["credHelpers"] == {HOST: "ecrtui"}
    _code, document, _ = doctor_cli(env, "--config", str(config), "--target", "dev")
    assert json_checks(document, "local.runtime.finch") == []


def test_nerdctl_and_a_stale_public_entry_is_warned(env: Env, tmp_path: Path) -> None:
    """nerdctl is found on PATH, as the check looks for it (an empty executable stands in
    for its presence: nerdctl itself is not installable here)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    nerdctl = bin_dir / "nerdctl"
    nerdctl.write_text("")
    nerdctl.chmod(0o755)
    _docker_config(env, {"auths": {"public.ecr.aws": {"auth": "QVdTOmV4cGlyZWQ="}}})
    config = _profiles(env)
    _code, document, _ = doctor_cli(env, "--config", str(config), "--target", "dev")
    assert json_checks(document, "local.runtime.nerdctl") == [], "no nerdctl on PATH"
    env.vars["PATH"] = f"{bin_dir}:{env.vars['PATH']}"
    _code, document, _ = doctor_cli(env, "--config", str(config), "--target", "dev")
    [found] = json_checks(document, "local.runtime.nerdctl")
    assert found["status"] == "warn" and "403" in found["finding"]
    assert "nerdctl logout public.ecr.aws" in found["remediation"]
