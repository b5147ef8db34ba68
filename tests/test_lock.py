"""The lock file: what `make` installs agrees with pyproject.toml, and is what is installed.

Two machines that install different versions render different PDF bytes and miss each other's
render cache; a lock that no longer satisfies pyproject.toml would install a set the project
does not declare. Both are caught here, so CI fails when the two disagree.
"""

from __future__ import annotations

import importlib.metadata
import tomllib

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

ENVIRONMENT = {**default_environment(), "extra": ""}


def locked() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, separator, version = line.partition("==")
            assert separator, f"requirements.lock: '{line}' is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in
            project["dependencies"] + project["optional-dependencies"]["test"]]


def test_every_declared_dependency_is_locked_at_a_version_it_allows():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not in the lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"the lock pins {requirement.name}=={pins[name]}, which pyproject.toml's "
            f"'{requirement}' does not allow: run make lock")


def test_the_lock_holds_every_package_the_locked_ones_need():
    """Closed: installing the lock installs nothing else (each pin's own requirements, for
    this Python and platform, are pinned too, at a version they allow)."""
    pins = locked()
    wanted = [(None, requirement) for requirement in declared()]
    seen = set()
    while wanted:
        parent, requirement = wanted.pop()
        name = canonicalize_name(requirement.name)
        extras = tuple(sorted(requirement.extras))
        if requirement.marker and not requirement.marker.evaluate(ENVIRONMENT):
            continue
        assert name in pins, f"{parent or 'pyproject.toml'} needs {requirement}: not in the lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{parent} needs {requirement}, the lock pins {pins[name]}")
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for text in importlib.metadata.requires(name) or []:
            child = Requirement(text)
            environment = [{**ENVIRONMENT, "extra": extra} for extra in ("", *extras)]
            if child.marker is None or any(child.marker.evaluate(env) for env in environment):
                child.marker = None
                wanted.append((name, child))


def test_the_installed_packages_are_the_locked_ones():
    """`make` installed from the lock: what runs the tests is what the lock says."""
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version
                 for dist in importlib.metadata.distributions()}
    different = {name: (version, installed.get(name)) for name, version in locked().items()
                 if installed.get(name) != version}
    assert not different, f"locked (version, installed): {different}; run make"
