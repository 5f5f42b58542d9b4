"""IAM policy documents, written in one place: the identity policy that grants actions on
a resource (what the error messages and the doctor propose to attach), the same for
several resources at once, and a repository policy that grants another account's caller."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

VERSION = "2012-10-17"


def _allow(actions: Iterable[str], resource: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": sorted(actions), "Resource": resource}


def identity_policy(actions: Iterable[str], resource: str = "*") -> dict[str, Any]:
    """The minimal policy document that grants `actions` on `resource` (as the Action's
    README shows it)."""
    return {"Version": VERSION, "Statement": [_allow(actions, resource)]}


def identity_policy_by_resource(grants: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """One document, a statement per resource, resources in order."""
    return {
        "Version": VERSION,
        "Statement": [_allow(actions, resource) for resource, actions in sorted(grants.items())],
    }


def repository_policy(principal: str, actions: Iterable[str]) -> dict[str, Any]:
    """A repository (resource) policy granting `principal`: set in the owner's account."""
    statement = {
        "Sid": "AllowEcrtuiCaller",
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": sorted(actions),
    }
    return {"Version": VERSION, "Statement": [statement]}
