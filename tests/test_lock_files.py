"""The lock files pin every dependency pyproject.toml names, at a version it allows, with hashes:
a dependency added to pyproject.toml without running scripts/lock fails here."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(lock_name):
    """{package: (version, hashes)} of a lock file."""
    text = (ROOT / lock_name).read_text()
    found = {}
    for block in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", block)
        if match:
            name, version = match.groups()
            found[canonicalize_name(name)] = (version, re.findall(r"--hash=sha256:\w+", block))
    return found


@pytest.mark.parametrize(
    "lock_name, requirements",
    [
        ("requirements.lock", PROJECT["dependencies"]),
        (
            "requirements-test.lock",
            PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"],
        ),
    ],
)
def test_lock_pins_every_dependency_at_an_allowed_version_with_hashes(lock_name, requirements):
    locked = pins(lock_name)
    wrong = {}
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name not in locked:
            wrong[name] = "not in the lock"
            continue
        version, hashes = locked[name]
        if not requirement.specifier.contains(version, prereleases=True):
            wrong[name] = f"{version} is outside {requirement.specifier}"
    assert wrong == {}, "run scripts/lock and commit the lock files"
    assert all(hashes for _version, hashes in locked.values())
