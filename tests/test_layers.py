"""The layer contract of docs/developer/architecture.md, read from the code: every import of a
Samla app (at module level or inside a function) goes to its own app or to one below it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lowest first: an app may import the apps before it in this list.
LAYERS = ["common", "conference", "registration", "checkin", "networking", "impact", "organiser"]
# Apps beside the stack, with what they may import.
BESIDE = {"proposals": {"common", "conference"}}
APPS = [*LAYERS, *BESIDE]


def imported_modules(path: Path):
    """(line, dotted module) of each import in the file, relative imports made absolute."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    package = parts if path.name == "__init__.py" else parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])
            else:
                yield node.lineno, node.module


def allowed(importer: str, imported: str) -> bool:
    if importer == imported or imported not in APPS:
        return True
    if importer in BESIDE:
        return imported in BESIDE[importer]
    return imported in LAYERS and LAYERS.index(imported) < LAYERS.index(importer)


def upward_imports() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            if "migrations" in path.parts:
                continue
            for line, module in imported_modules(path):
                if not allowed(app, module.split(".")[0]):
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_allowed_follows_the_layers():
    assert allowed("organiser", "impact")
    assert allowed("checkin", "registration")
    assert allowed("proposals", "conference")
    assert not allowed("registration", "checkin")
    assert not allowed("conference", "organiser")
    assert not allowed("proposals", "registration")
    assert not allowed("conference", "proposals")


def test_imported_modules_resolves_relative_imports():
    package = ROOT / "registration" / "services"

    modules = {module for _, module in imported_modules(package / "registering.py")}

    assert "registration.seats" in modules or "registration" in modules
    assert "registration.services.checks" in modules


def test_no_app_imports_an_app_above_it():
    assert upward_imports() == []
