"""GitHub Actions' file commands (GITHUB_OUTPUT, GITHUB_STATE...) as a runner writes and reads them, and the environment of one step."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def parse_file_commands(text: str) -> list[tuple[str, str]]:
    """Pairs from a $GITHUB_OUTPUT/$GITHUB_STATE file, parsed as the runner does: a line
    whose first `=` comes before any `<<` is `name=value`, otherwise `name<<DELIM` opens a
    value that ends at a line equal to DELIM. Anything else fails, as it fails the step."""
    pairs: list[tuple[str, str]] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = line[:equals], line[equals + 1 :]
        elif heredoc > 0:
            name, delimiter = line[:heredoc], line[heredoc + 2 :]
            assert delimiter, f"empty heredoc delimiter in {line!r}"
            try:
                end = lines.index(delimiter, index)
            except ValueError:
                raise AssertionError(f"heredoc {delimiter!r} is never closed") from None
            value = "\n".join(lines[index:end])
            index = end + 1
        else:
            raise AssertionError(f"the runner would reject the line {line!r}")
        assert name, f"empty name in {line!r}"
        pairs.append((name, value))
    return pairs


def step_environment(base: Mapping[str, str], folder: Path, step: int) -> tuple[dict[str, str], Path, Path]:
    """A step's variables as the runner sets them up, with fresh GITHUB_OUTPUT and
    GITHUB_STATE files (returned too, to read the step's outputs and state back)."""
    output_file = folder / f"output-{step}"
    state_file = folder / f"state-{step}"
    output_file.touch()
    state_file.touch()
    variables = dict(base)
    variables.update(
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(output_file),
        GITHUB_STATE=str(state_file),
        RUNNER_TEMP=str(folder),
        AWS_REGION="us-east-1",
    )
    return variables, output_file, state_file
