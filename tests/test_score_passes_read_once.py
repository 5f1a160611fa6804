"""Whether a reviewer's level passes a rubric criterion is decided in one place,
``credentials.models.score_passes`` (read as ``RubricCriterion.passes`` and
``RubricLevel.is_passing``): scoring, the Open Badges rubric, the demo reviews and the catalog's
checks read it, so a change to the rule changes them all. (Templates: test_templates_read_rules.)
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = ("credentials/models.py", "score_passes")
ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _names_passing_score(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "passing_score"
    if isinstance(node, ast.Attribute):
        return node.attr == "passing_score"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "passing_score"
    return False


def score_comparisons(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of each ordering comparison with a passing score in ``path``."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if (
            isinstance(node, ast.Compare)
            and any(isinstance(op, ORDERING) for op in node.ops)
            and any(map(_names_passing_score, [node.left, *node.comparators]))
        ):
            found.append((function, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(path.read_text(), filename=str(path)), "")
    return found


def test_only_score_passes_weighs_a_score_against_a_passing_score():
    found = set()
    for app in sorted(p.parent for p in ROOT.glob("*/apps.py")):
        for path in sorted(app.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            where = str(path.relative_to(ROOT))
            found |= {
                f"{where}:{line}"
                for function, line in score_comparisons(path)
                if (where, function) != HOME
            }
    assert sorted(found) == []


def test_the_check_finds_a_comparison_written_elsewhere(tmp_path):
    module = tmp_path / "scoring.py"
    module.write_text(
        "def passed(level, criterion, item):\n"
        "    return level.score >= criterion.passing_score\n"
        "def unreachable(scores, item):\n"
        "    return max(scores) < item['passing_score']\n"
    )
    assert score_comparisons(module) == [("passed", 2), ("unreachable", 4)]
