"""A catalog entry as a file: the package a district exports, another imports, and the state
publishes as each version of its entries.

One JSON document, versioned by ``schema`` and ``schema_version``::

    {"schema": "microcreds.catalog-entry", "schema_version": 1,
     "entry": {"title": ..., "competency": ..., "key_method": ..., "method_components": ...,
               "research_and_resources": ..., "submission_guidelines": ...,
               "estimated_hours": "10.0", "pd_points": "1.0", "rigor": 3,
               "grade_band": "all", "tags": "...", "valid_for_days": null,
               "renewal_plan": "full" (optional),
               "state_standard": "...", "state_standard_url": "..."},
     "stack": {"name": ..., "description": ..., "color": "#1f4e79"} | null,
     "evidence_types": [{"name": ..., "description": ..., "accepts": "video"}],
     "rubric": {"passing_rule": "all", "minimum_passing_criteria": null,
                "criteria": [{"title": ..., "description": ..., "component": "impact",
                              "passing_score": 2, "evidence_type": "<name>" | null,
                              "levels": [{"score": 1, "label": ..., "description": ...}]}]},
     "provider": {"name": ..., "version": 1}}

``package_validate`` reads a document, from whatever provider, and says every problem in words
(nothing is saved from a package with a problem); it returns the package in the shape above,
with only the keys we know. A criterion's passing score is held to the catalog's one rule
(``models.passing_score_problem``): every package is refused when no level of a criterion
passes; one that goes straight into a catalog as published (the state's, which its districts
adopt) also when every level passes. A district's own import arrives as a draft and is told
that when it is published.
"""

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .models import EvidenceType, MicroCredential, Rubric, RubricCriterion, passing_score_problem

SCHEMA = "microcreds.catalog-entry"
SCHEMA_VERSION = 1
MAX_PACKAGE_BYTES = 1_000_000

TEXT_FIELDS = {
    "title": 200,
    "competency": None,
    "key_method": None,
    "method_components": None,
    "research_and_resources": None,
    "submission_guidelines": None,
    "tags": 300,
    "state_standard": 300,
    "state_standard_url": 500,
}
NUMBER_FIELDS = ("estimated_hours", "pd_points")
# What a district sees of a change between two versions, by package key.
FIELD_LABELS = {
    "title": "title",
    "competency": "competency",
    "key_method": "key method",
    "method_components": "method components",
    "research_and_resources": "research and resources",
    "submission_guidelines": "submission guidelines",
    "estimated_hours": "hours",
    "pd_points": "PD points",
    "rigor": "level of rigor",
    "grade_band": "grade band",
    "tags": "tags",
    "valid_for_days": "validity",
    "renewal_plan": "renewal plan",
    "state_standard": "state standard",
    "state_standard_url": "state standard link",
}
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class PackageError(Exception):
    """A package that cannot be brought in; ``problems`` says each reason in words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


# --- writing ----------------------------------------------------------------------------------


def package_of_entry(entry: MicroCredential, *, provider: str) -> dict[str, Any]:
    """The package of one version of a catalog entry, with its rubric and evidence types."""
    rubric = Rubric.objects.filter(microcredential=entry).first()
    criteria = (
        list(rubric.criteria.select_related("evidence_type").prefetch_related("levels"))
        if rubric
        else []
    )
    evidence = {e.pk: e for e in entry.evidence_types.all()}
    for criterion in criteria:
        if criterion.evidence_type is not None:
            evidence.setdefault(criterion.evidence_type.pk, criterion.evidence_type)
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "entry": {
            **{name: getattr(entry, name) for name in TEXT_FIELDS},
            **{name: str(getattr(entry, name)) for name in NUMBER_FIELDS},
            "rigor": entry.rigor,
            "grade_band": entry.grade_band,
            "valid_for_days": entry.valid_for_days,
            "renewal_plan": entry.renewal_plan,
        },
        "stack": (
            {
                "name": entry.stack.name,
                "description": entry.stack.description,
                "color": entry.stack.color,
            }
            if entry.stack
            else None
        ),
        # The entry's evidence types and any a criterion names: an import attaches them all.
        "evidence_types": [
            {"name": e.name, "description": e.description, "accepts": e.accepts}
            for e in sorted(evidence.values(), key=lambda e: e.name)
        ],
        "rubric": {
            "passing_rule": rubric.passing_rule if rubric else Rubric.PassingRule.ALL,
            "minimum_passing_criteria": rubric.minimum_passing_criteria if rubric else None,
            "criteria": [
                {
                    "title": c.title,
                    "description": c.description,
                    "component": c.component,
                    "passing_score": c.passing_score,
                    "evidence_type": c.evidence_type.name if c.evidence_type else None,
                    "levels": [
                        {"score": lv.score, "label": lv.label, "description": lv.description}
                        for lv in c.levels.all()
                    ],
                }
                for c in criteria
            ],
        },
        "provider": {"name": provider, "version": entry.version},
    }


def package_dumps(package: dict[str, Any]) -> bytes:
    return json.dumps(package, indent=2, ensure_ascii=False).encode()


# --- reading ----------------------------------------------------------------------------------


def package_loads(raw: bytes) -> dict[str, Any]:
    """The package in a file's bytes, validated; PackageError says why not."""
    if len(raw) > MAX_PACKAGE_BYTES:
        raise PackageError([f"The file is larger than {MAX_PACKAGE_BYTES // 1000} kB."])
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PackageError(["The file is not text (UTF-8): choose the .json file."]) from None
    except json.JSONDecodeError as error:
        raise PackageError(
            [f"The file is not valid JSON (line {error.lineno}, column {error.colno})."]
        ) from None
    return package_validate(data)


def _text(data: dict, key: str, where: str, problems: list[str], *, limit: int | None) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(f"{where}: “{key}” must be text.")
        return ""
    value = value.strip()
    if limit is not None and len(value) > limit:
        problems.append(f"{where}: “{key}” is longer than {limit} characters.")
    return value


def _whole(value: Any, where: str, key: str, problems: list[str], *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        problems.append(f"{where}: “{key}” must be a whole number of at least {minimum}.")
        return minimum
    return value


def package_validate(data: Any, *, published: bool = False) -> dict[str, Any]:
    """The package ``data`` cleaned, or PackageError with every problem found. ``published``:
    it goes into a catalog as published, so it must be publishable as it is."""
    if not isinstance(data, dict):
        raise PackageError(["The file does not hold a catalog entry (a JSON object)."])
    if data.get("schema") != SCHEMA:
        raise PackageError(
            [f"The file is not a micro-credential package (its “schema” is not “{SCHEMA}”)."]
        )
    if data.get("schema_version") != SCHEMA_VERSION:
        raise PackageError(
            [
                f"The package is of schema version {data.get('schema_version')!r}; this site "
                f"reads version {SCHEMA_VERSION}."
            ]
        )
    problems: list[str] = []
    raw_entry = data.get("entry")
    if not isinstance(raw_entry, dict):
        raise PackageError(["The package has no “entry” (its title, competency, ...)."])
    entry: dict[str, Any] = {
        key: _text(raw_entry, key, "Entry", problems, limit=limit)
        for key, limit in TEXT_FIELDS.items()
    }
    for key in ("title", "competency"):
        if not entry[key]:
            problems.append(f"Entry: the {key} is missing.")
    for key in NUMBER_FIELDS:
        try:
            number = Decimal(str(raw_entry.get(key, "0")))
            if not number.is_finite() or number < 0 or number >= 10000:
                raise InvalidOperation
            entry[key] = str(number.quantize(Decimal("0.1")))
        except InvalidOperation:
            problems.append(f"Entry: “{key}” must be a number from 0 to 9999.9.")
            entry[key] = "0.0"
    rigor = raw_entry.get("rigor", MicroCredential.Rigor.DEVELOPING)
    if rigor not in MicroCredential.Rigor.values:
        problems.append(
            "Entry: “rigor” must be one of "
            + ", ".join(f"{v} ({label})" for v, label in MicroCredential.Rigor.choices)
            + "."
        )
        rigor = MicroCredential.Rigor.DEVELOPING
    entry["rigor"] = rigor
    grade_band = raw_entry.get("grade_band", MicroCredential.GradeBand.ALL)
    if grade_band not in MicroCredential.GradeBand.values:
        problems.append(
            f"Entry: “grade_band” must be one of {', '.join(MicroCredential.GradeBand.values)}."
        )
        grade_band = MicroCredential.GradeBand.ALL
    entry["grade_band"] = grade_band
    valid_for_days = raw_entry.get("valid_for_days")
    if valid_for_days is not None:
        valid_for_days = _whole(valid_for_days, "Entry", "valid_for_days", problems, minimum=1)
    entry["valid_for_days"] = valid_for_days
    # Optional: a package written before renewal plans existed is renewed by re-earning it.
    renewal_plan = raw_entry.get("renewal_plan", MicroCredential.RenewalPlan.FULL)
    if renewal_plan not in MicroCredential.RenewalPlan.values:
        problems.append(
            f"Entry: “renewal_plan” must be one of {', '.join(MicroCredential.RenewalPlan.values)}."
        )
        renewal_plan = MicroCredential.RenewalPlan.FULL
    entry["renewal_plan"] = renewal_plan

    stack = None
    raw_stack = data.get("stack")
    if raw_stack is not None:
        if not isinstance(raw_stack, dict):
            problems.append("Stack: must be an object with a “name”, or null.")
        else:
            stack = {
                "name": _text(raw_stack, "name", "Stack", problems, limit=200),
                "description": _text(raw_stack, "description", "Stack", problems, limit=None),
                "color": _text(raw_stack, "color", "Stack", problems, limit=7) or "#1f4e79",
            }
            if not stack["name"]:
                problems.append("Stack: the name is missing.")
            if not COLOR.match(stack["color"]):
                problems.append("Stack: “color” must be a hex color such as #1f4e79.")

    evidence_types = []
    raw_evidence = data.get("evidence_types", [])
    if not isinstance(raw_evidence, list):
        problems.append("Evidence types: must be a list.")
        raw_evidence = []
    for number, raw in enumerate(raw_evidence, start=1):
        where = f"Evidence type {number}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be an object with a “name”.")
            continue
        evidence = {
            "name": _text(raw, "name", where, problems, limit=120),
            "description": _text(raw, "description", where, problems, limit=None),
            "accepts": raw.get("accepts", EvidenceType.FileFamily.ANY),
        }
        if not evidence["name"]:
            problems.append(f"{where}: the name is missing.")
        if evidence["accepts"] not in EvidenceType.FileFamily.values:
            problems.append(
                f"{where}: “accepts” must be one of {', '.join(EvidenceType.FileFamily.values)}."
            )
        evidence_types.append(evidence)
    evidence_names = {e["name"] for e in evidence_types}
    if len(evidence_names) != len(evidence_types):
        problems.append("Evidence types: two have the same name.")

    rubric = _rubric_validate(data.get("rubric"), evidence_names, problems, published=published)
    if problems:
        raise PackageError(problems)
    provider = data.get("provider") if isinstance(data.get("provider"), dict) else {}
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "entry": entry,
        "stack": stack,
        "evidence_types": evidence_types,
        "rubric": rubric,
        "provider": {
            "name": str(provider.get("name", ""))[:200],
            "version": provider.get("version"),
        },
    }


def _rubric_validate(
    raw: Any, evidence_names: set[str], problems: list[str], *, published: bool
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        problems.append("Rubric: the package has none; a micro-credential needs its rubric.")
        return {"passing_rule": Rubric.PassingRule.ALL, "minimum_passing_criteria": None}
    rule = raw.get("passing_rule", Rubric.PassingRule.ALL)
    if rule not in Rubric.PassingRule.values:
        problems.append(
            f"Rubric: “passing_rule” must be one of {', '.join(Rubric.PassingRule.values)}."
        )
        rule = Rubric.PassingRule.ALL
    criteria = []
    raw_criteria = raw.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        problems.append("Rubric: it needs at least one criterion.")
        raw_criteria = []
    for number, raw_criterion in enumerate(raw_criteria, start=1):
        where = f"Rubric criterion {number}"
        if not isinstance(raw_criterion, dict):
            problems.append(f"{where}: must be an object with a “title” and “levels”.")
            continue
        criterion = {
            "title": _text(raw_criterion, "title", where, problems, limit=200),
            "description": _text(raw_criterion, "description", where, problems, limit=None),
            "component": raw_criterion.get("component") or "",
            "passing_score": _whole(
                raw_criterion.get("passing_score", 1), where, "passing_score", problems, minimum=1
            ),
            "evidence_type": raw_criterion.get("evidence_type"),
            "levels": [],
        }
        where = f"Rubric criterion {number} ({criterion['title'] or 'untitled'})"
        if not criterion["title"]:
            problems.append(f"{where}: the title is missing.")
        if (
            criterion["component"]
            and criterion["component"] not in RubricCriterion.Component.values
        ):
            problems.append(
                f"{where}: “component” must be one of "
                f"{', '.join(RubricCriterion.Component.values)}, or empty."
            )
        if (
            criterion["evidence_type"] is not None
            and criterion["evidence_type"] not in evidence_names
        ):
            problems.append(
                f"{where}: its evidence type “{criterion['evidence_type']}” is not among the "
                "package's evidence types."
            )
        raw_levels = raw_criterion.get("levels")
        if not isinstance(raw_levels, list) or not raw_levels:
            problems.append(f"{where}: it has no levels.")
            raw_levels = []
        for level_number, raw_level in enumerate(raw_levels, start=1):
            level_where = f"{where}, level {level_number}"
            if not isinstance(raw_level, dict):
                problems.append(f"{level_where}: must be an object with “score” and “label”.")
                continue
            level = {
                "score": _whole(raw_level.get("score"), level_where, "score", problems),
                "label": _text(raw_level, "label", level_where, problems, limit=80),
                "description": _text(raw_level, "description", level_where, problems, limit=None),
            }
            if not level["label"]:
                problems.append(f"{level_where}: the label is missing.")
            criterion["levels"].append(level)
        scores = [level["score"] for level in criterion["levels"]]
        if len(set(scores)) != len(scores):
            problems.append(f"{where}: two levels have the same score.")
        passing = passing_score_problem(
            name=where,
            passing_score=criterion["passing_score"],
            levels=[(level["score"], level["label"]) for level in criterion["levels"]],
        )
        if scores and passing and (passing.no_level_passes or published):
            problems.append(passing.words)
        criterion["levels"].sort(key=lambda level: level["score"])
        criteria.append(criterion)
    minimum = raw.get("minimum_passing_criteria")
    if rule == Rubric.PassingRule.MINIMUM:
        if (
            isinstance(minimum, bool)
            or not isinstance(minimum, int)
            or not 1 <= minimum <= len(criteria)
        ):
            problems.append(
                "Rubric: “minimum_passing_criteria” must be between 1 and the number of "
                f"criteria ({len(criteria)})."
            )
    else:
        minimum = None
    return {"passing_rule": rule, "minimum_passing_criteria": minimum, "criteria": criteria}


# --- comparing --------------------------------------------------------------------------------


def package_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two versions of a package, in words, for the district deciding
    whether to take the new one."""
    changes = [
        label
        for key, label in FIELD_LABELS.items()
        if old["entry"].get(key) != new["entry"].get(key)
    ]
    if (old.get("stack") or {}).get("name") != (new.get("stack") or {}).get("name"):
        changes.append("stack")
    if [e["name"] for e in old["evidence_types"]] != [e["name"] for e in new["evidence_types"]]:
        changes.append("evidence types")
    old_criteria = {c["title"]: c for c in old["rubric"]["criteria"]}
    new_criteria = {c["title"]: c for c in new["rubric"]["criteria"]}
    added = [t for t in new_criteria if t not in old_criteria]
    removed = [t for t in old_criteria if t not in new_criteria]
    changed = [t for t in new_criteria if t in old_criteria and new_criteria[t] != old_criteria[t]]
    if added:
        changes.append("rubric criteria added: " + ", ".join(f"“{t}”" for t in added))
    if removed:
        changes.append("rubric criteria removed: " + ", ".join(f"“{t}”" for t in removed))
    if changed:
        changes.append("rubric criteria changed: " + ", ".join(f"“{t}”" for t in changed))
    if {k: v for k, v in old["rubric"].items() if k != "criteria"} != {
        k: v for k, v in new["rubric"].items() if k != "criteria"
    }:
        changes.append("rubric passing rule")
    return changes
