"""Answers generated along named axes from one small base file, for the pack-consistency harness.

Each axis is a name and a set of named values; a value is a function that changes the answers (a plain dict read
from ``tests/fixtures/pack_consistency/base.yaml``). ``variants()`` yields every combination whose answers are
distinct; the harness builds each one and skips those the governance rules reject.
"""

from __future__ import annotations

import copy
import itertools
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

BASE = Path(__file__).resolve().parent / "fixtures" / "pack_consistency" / "base.yaml"

Answers = dict[str, Any]
Change = Callable[[Answers], None]


def _form(form: str) -> Change:
    def change(a: Answers) -> None:
        a["legal_form"] = form
        if form == "lead_provider":
            a["parties"][1]["roles"] = ["member", "lead_provider"]
        if form == "mou_only":  # an MoU delegates nothing (rule R15)
            a["delegations"] = []

    return change


def _produce(*kinds: str) -> Change:
    def change(a: Answers) -> None:
        for kind in ("mou", "cjv", "tor", "sod", "dra"):
            a["documents"][kind]["produce"] = kind in kinds

    return change


def _placement(placement: str) -> Change:
    def change(a: Answers) -> None:
        for kind in ("tor", "sod", "dra"):
            a["documents"][kind]["placement"] = placement

    return change


def _voting(rule: str) -> Change:
    def change(a: Answers) -> None:
        voting: dict[str, Any] = {"rule": rule, "casting_vote": False}
        if rule == "qualified_majority":
            voting["threshold"] = 75
        if rule.startswith("weighted"):
            voting["rule"] = "weighted"
            voting["weights"] = {"AFT": 3, "BT": 2, "CT": 2}
        if rule == "weighted_60":
            voting["threshold"] = 60
        a["bodies"][0]["voting"] = voting

    return change


FORMS = ("mou_only", "cjv", "lead_provider", "committees_in_common", "joint_committee")
VOTING_RULES = ("consensus", "unanimous", "simple_majority", "qualified_majority", "weighted", "weighted_60")
PLACEMENTS = ("schedule", "standalone", "both")
DOCUMENT_SETS: dict[str, tuple[str, ...]] = {
    "all": ("mou", "cjv", "tor", "sod", "dra"),
    "no_mou": ("cjv", "tor", "sod", "dra"),
    "agreement_and_terms": ("cjv", "tor"),
    "no_agreement": ("mou", "tor", "sod", "dra"),
    "memorandum_and_terms": ("mou", "tor"),
}

AXES: dict[str, dict[str, Change]] = {
    "legal_form": {v: _form(v) for v in FORMS},
    "documents": {name: _produce(*kinds) for name, kinds in DOCUMENT_SETS.items()},
    "placement": {v: _placement(v) for v in PLACEMENTS},
    "voting": {v: _voting(v) for v in VOTING_RULES},
}
"""The named axes: legal form × documents produced × placement of ToR/SoD/DRA × voting rule of the board."""


def _mechanism(mechanism: str) -> Change:
    def change(a: Answers) -> None:
        a["decisions"]["reserved_mechanism"] = mechanism

    return change


def _chair(method: str) -> Change:
    def change(a: Answers) -> None:
        chair: dict[str, Any] = {"method": method, "vice_chair": True}
        if method == "rotating":
            chair["rotation_months"] = 6
        if method == "named_party":
            chair["party"] = "CT"
        a["bodies"][0]["chair"] = chair

    return change


def _casting(a: Answers) -> None:
    voting = a["bodies"][0]["voting"]
    if voting["rule"] in ("simple_majority", "qualified_majority", "weighted"):  # nothing to break otherwise (R11)
        voting["casting_vote"] = True


ALONGSIDE: dict[str, dict[str, Change]] = {
    "casting_vote": {"no": lambda a: None, "if_majority": _casting},
    "reserved_mechanism": {v: _mechanism(v) for v in ("unanimity", "locked_gateway", "referral_to_boards")},
    "chair": {v: _chair(v) for v in ("as_base", "independent", "named_party", "rotating")},
}
"""Secondary axes, not multiplied out: each combination of the axes takes one value of each, chosen by a hash of
its name (``as_base`` keeps the base file's answer), so every value appears across the generated packs at no extra
cost and in company with every value of the main axes."""
ALONGSIDE["chair"]["as_base"] = lambda a: None


@dataclass(frozen=True)
class Variant:
    name: str  # e.g. "legal_form=cjv,documents=all,placement=both,voting=weighted"
    answers: Answers


def base() -> Answers:
    data: Answers = YAML(typ="safe").load(BASE.read_text(encoding="utf-8"))
    return data


def variants() -> Iterator[Variant]:
    """Every combination of the axes, once per distinct answers (placement means nothing without an agreement)."""
    start = base()
    seen: set[str] = set()
    for values in itertools.product(*(axis.items() for axis in AXES.values())):
        answers = copy.deepcopy(start)
        for _name, change in values:
            change(answers)
        if not answers["documents"]["cjv"]["produce"]:
            for kind in ("tor", "sod", "dra"):  # without an agreement each is its own document, wherever placed
                answers["documents"][kind].pop("placement", None)
        key = repr(answers)
        if key in seen:
            continue
        seen.add(key)
        name = ",".join(f"{axis}={value}" for axis, (value, _) in zip(AXES, values, strict=True))
        for axis, options in ALONGSIDE.items():
            pick = zlib.crc32(f"{axis}:{name}".encode()) % len(options)  # fixed, and independent of the axes
            value, change = list(options.items())[pick]
            change(answers)
            name += f",{axis}={value}"
        yield Variant(name, answers)
