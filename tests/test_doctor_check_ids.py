"""Doctor check ids are a documented, stable contract: the enum the code uses, the list in
docs/doctor-checks.md and the ids the README names must agree."""

from __future__ import annotations

import re
from pathlib import Path

from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.models import Category

ROOT = Path(__file__).resolve().parent.parent
ID = r"(?:config|credentials|network|permissions|local|doctor)\.[a-z][a-z.-]*[a-z]"


def test_the_docs_list_exactly_the_enums_ids() -> None:
    text = (ROOT / "docs" / "doctor-checks.md").read_text(encoding="utf-8")
    listed = re.findall(rf"^\| `({ID})` \|", text, flags=re.MULTILINE)
    assert len(listed) == len(set(listed)), "an id is listed twice"
    assert set(listed) == {check_id.value for check_id in CheckId}


def test_every_id_the_readme_names_exists() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Diagnostics: ecrtui doctor", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(rf"`({ID})`", section)) - {"config.json"}  # docker's file, named too
    assert named, "the README's table of known failures names check ids"
    assert named <= {check_id.value for check_id in CheckId}


def test_an_id_starts_with_its_category_and_reads_as_itself() -> None:
    prefixes = {"config", *(category.value for category in Category if category is not Category.CONFIGURATION)}
    for check_id in CheckId:
        assert check_id.value.split(".")[0] in prefixes | {"doctor"}
        assert f"{check_id}" == str(check_id) == check_id.value  # text output shows the id, not the member name


def test_every_id_a_test_names_exists() -> None:
    """A test that keys on an id no check makes passes for the wrong reason (it never
    finds the check): every quoted id in the tests must be a CheckId."""
    named: dict[str, str] = {}  # id -> a test file that names it
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for found in re.findall(rf"[\"']({ID})[\"']", path.read_text(encoding="utf-8")):
            named.setdefault(found, path.name)
    files = {"config.json", "config.yml", "config.yaml"}  # docker's and the profiles file, not ids
    ids = {check_id.value for check_id in CheckId}
    unknown = {name: where for name, where in named.items() if name not in files | ids}
    assert not unknown, f"ids no check makes: {unknown}"
