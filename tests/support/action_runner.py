"""A simulated GitHub Actions runner for action.yml: it runs the action's steps as the runner would and reads back what they wrote."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from support.commands import REPO, cli_bin, cli_python, starts_command
from support.environment import Env
from support.github_files import parse_file_commands, step_environment

ACTION = yaml.safe_load((REPO / "action.yml").read_text())


HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


@dataclass
class ActionStep:
    process: subprocess.CompletedProcess[str]
    outputs: dict[str, str]
    state: dict[str, str]


@starts_command
class SimulatedRunner:
    """Runs action.yml's scripts with node as the GitHub runner would."""

    def __init__(self, env: Env, folder: Path, node: str) -> None:
        self.env = env
        self.folder = folder
        self.node = node
        self.workspace = folder / "workspace"
        self.workspace.mkdir()
        self.steps = 0

    def input_env(self, with_: Mapping[str, str]) -> dict[str, str]:
        """INPUT_* for every input given or having a default, as the runner sets them."""
        values = {name: spec["default"] for name, spec in ACTION["inputs"].items() if "default" in spec}
        values.update(with_)
        return {f"INPUT_{name.replace(' ', '_').upper()}": str(value) for name, value in values.items()}

    def run(
        self,
        script: str,
        with_: Mapping[str, str],
        state: Mapping[str, str] | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> ActionStep:
        self.steps += 1
        variables, output_file, state_file = step_environment(self.env.vars, self.folder, self.steps)
        variables.update(GITHUB_WORKSPACE=str(self.workspace), ECRTUI_PYTHON=cli_python())
        variables["PATH"] = os.pathsep.join([cli_bin(), variables.get("PATH", "")])  # the wheel's, under make test
        variables.update(self.input_env(with_))
        variables.update({f"STATE_{name}": value for name, value in (state or {}).items()})
        variables.update(extra or {})
        process = subprocess.run(
            [self.node, str(REPO / ACTION["runs"][script])],
            env=variables,
            cwd=self.workspace,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return ActionStep(
            process,
            dict(parse_file_commands(output_file.read_text())),
            dict(parse_file_commands(state_file.read_text())),
        )

    def job(self, with_: Mapping[str, str]) -> tuple[ActionStep, ActionStep]:
        main = self.run("main", with_)
        return main, self.run("post", with_, state=main.state)


def password_in(path: Path, host: str) -> str | None:
    entry: Any = json.loads(path.read_text()).get("auths", {}).get(host)
    if entry is None:
        return None
    return base64.b64decode(entry["auth"]).decode().partition(":")[2]
