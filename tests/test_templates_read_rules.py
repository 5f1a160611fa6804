"""A template never decides a rule with a string literal (house style, "One home per rule"):
what a status allows is a model property or a selector, and a template that must tell statuses
apart compares with the model's choices (``entry.Status.RETIRED``), never with "retired".

The educator's plan pages (``templates/submissions/``) are checked once their rules have moved
too."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NOT_YET_CHECKED: set[str] = set()
# A comparison of a status-like field with a quoted word: ``status == "earned"``.
LITERAL_RULE = re.compile(
    r"(\b(status|state|stage|scope|result|outcome|decision|passing_rule)|\.kind)"
    r"\s*(==|!=)\s*[\"']"
)


def test_no_template_decides_by_a_status_literal():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] in NOT_YET_CHECKED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if LITERAL_RULE.search(line):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}")
    assert found == []


# An {% if %} that weighs a score against a passing score: whether a level passes its criterion
# is ``RubricLevel.is_passing`` (``RubricCriterion.passes``), read, never worked out again.
IF_TAG = re.compile(r"{%-?\s*(?:el)?if\b(.*?)-?%}")
SCORE_COMPARISON = re.compile(r"passing_score\s*[<>]|[<>]=?\s*[\w.]*passing_score")


def test_no_template_decides_whether_a_score_passes():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if any(SCORE_COMPARISON.search(tag) for tag in IF_TAG.findall(line)):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}")
    assert found == []
