"""Each app imports only from the apps below it, never from one above (README, "Layout").

Every module of every app is parsed, so an import inside a function counts as much as one at the
top of a file. An app that needs something of an app above it says so through a signal the upper
app connects to (``submissions.signals``, ``artifacts.signals``), or the thing moves down.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top: an app may import from the apps before it in this list, never from those after.
LAYERS = [
    "outbox",
    "accounts",
    "notifications",
    "credentials",
    "programs",
    "submissions",
    "artifacts",
    "badges",
    "reviews",
    "people",
    "reports",
    "states",
    "webhooks",
    "wallets",
    "api",
]


def imports_of(path: Path) -> list[tuple[str, int]]:
    """The top-level packages ``path`` imports, with the line of each import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node.lineno))
    return found


def upward_imports(layers: list[str], root: Path = ROOT) -> list[str]:
    """Every import, in any module of an app of ``layers``, of an app above it there."""
    found = []
    for position, app in enumerate(layers):
        above = set(layers[position + 1 :])
        for path in sorted((root / app).rglob("*.py")):
            for imported, line in imports_of(path):
                if imported in above:
                    found.append(f"{path.relative_to(root)}:{line} imports {imported}")
    return found


def test_no_app_imports_from_an_app_above_it():
    assert upward_imports(LAYERS) == []


def test_an_import_inside_a_function_is_found(tmp_path):
    # The check itself, on a made-up project: a lower app reaching up from inside a function.
    for app in ("lower", "upper"):
        (tmp_path / app).mkdir()
    (tmp_path / "upper" / "views.py").write_text("from lower.models import Thing\n")
    (tmp_path / "lower" / "services.py").write_text(
        "def later():\n    from upper.views import page\n    import upper.tasks\n"
    )
    assert upward_imports(["lower", "upper"], root=tmp_path) == [
        "lower/services.py:2 imports upper",
        "lower/services.py:3 imports upper",
    ]


def test_every_app_of_ours_has_its_place_and_is_installed_in_that_order():
    ours = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").is_file()]
    assert ours == LAYERS


def test_the_readme_lists_the_apps_in_the_same_order():
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = [name for name in re.findall(r"^(\w+)/ ", layout, re.M) if name in LAYERS]
    assert listed == LAYERS
