"""Imports point down the layers (docs/architecture.md, shared DESIGN.md):

1 common (the shared package) → 2 accounts, companylists → 3 crm (the customer core) → 4 feature apps
(workplans, bulletin, deals, customfields, contacts; never each other) → 5 cross-app apps
(transfers, reports, staff, backups, notifications, reminders, benchmarks, demo) and config.

This walks every import (module level or inside a function: an import inside a function does
not dodge a layer) of every .py in our packages and fails on one that points up a layer or
across to a sibling feature app.

KNOWN_VIOLATIONS lists the imports that remain today in the rooms other branches move out of
crm in issue 21; each says where it goes, and the lead empties the list at the merge. An entry
that no longer occurs fails too, so the list only shrinks.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "common": 1,
    "accounts": 2,
    "companylists": 2,
    "customfields": 2,
    "crm": 3,
    **dict.fromkeys(["workplans", "bulletin", "deals", "contacts", "complaints"], 4),
    **dict.fromkeys(["transfers", "reports", "staff", "backups", "notifications", "attachments", "reminders", "benchmarks",
                     "demo",
                     "config"], 5),
}
FEATURE_LAYER = 4

# (importing file, imported app) -> why it is still there.
KNOWN_VIOLATIONS = {}


def _packages() -> list[Path]:
    return sorted(path.parent for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests")


def _imported_apps(source: str) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
    return apps & LAYERS.keys()


def _points_wrong(importer: str, imported: str) -> bool:
    if LAYERS[imported] > LAYERS[importer]:
        return True
    return LAYERS[importer] == FEATURE_LAYER and LAYERS[imported] == FEATURE_LAYER and importer != imported


def _violations() -> dict[tuple[str, str], str]:
    found = {}
    for package in _packages():
        app = package.name
        assert app in LAYERS, f"{app}/ is in no layer: add it to LAYERS here and to docs/architecture.md"
        for path in sorted(package.rglob("*.py")):
            for imported in sorted(_imported_apps(path.read_text(encoding="utf-8"))):
                if _points_wrong(app, imported):
                    why = f"layer {LAYERS[app]} imports layer {LAYERS[imported]}"
                    found[(path.relative_to(ROOT).as_posix(), imported)] = why
    return found


def test_it_tells_up_and_across_from_down():
    assert _points_wrong("crm", "workplans") and _points_wrong("common", "accounts")
    assert _points_wrong("workplans", "bulletin")
    assert not _points_wrong("workplans", "crm") and not _points_wrong("config", "workplans")
    assert not _points_wrong("crm", "crm") and not _points_wrong("reports", "staff")
    assert _imported_apps("def f():\n    from workplans.models import Plan\n") == {"workplans"}
    assert _imported_apps("import crm.models, django\nfrom . import x\n") == {"crm"}


def test_imports_point_down_the_layers():
    unexpected = {key: why for key, why in _violations().items() if key not in KNOWN_VIOLATIONS}
    assert not unexpected, "Imports that point up a layer or across feature apps (move the code):\n" + "\n".join(
        f"{path} imports {app}: {why}" for (path, app), why in sorted(unexpected.items())
    )


def test_the_known_violations_only_shrink():
    stale = sorted(key for key in KNOWN_VIOLATIONS if key not in _violations())
    assert not stale, f"Gone: take them off KNOWN_VIOLATIONS: {stale}"
