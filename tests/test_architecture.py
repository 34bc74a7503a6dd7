"""The house rules of the layout (docs/architecture.md), held by walking the source.

Layers import downwards only: a module may import its own room and the rooms below it,
never a room above. Every import counts, also one inside a function: an import hidden in
a function to dodge a cycle is still a cycle. A leading underscore is private to its module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"linkage": "vhh.linkage", "schemas": "vhh.schemas", "pipelines": "vhh.pipelines",
           "config": "vhh.config"}

# Lowest first. A module belongs to the longest prefix listed here.
LAYERS = (
    ("vhh.linkage.errors", "vhh.linkage.version", "vhh.linkage.contract",
     "vhh.linkage.fields", "vhh.linkage.settings", "vhh.linkage.stopwatch", "vhh.linkage.heap",
     "vhh.linkage.arrays", "vhh.linkage.worker",
     "vhh.config"),
    ("vhh.linkage.io",),
    ("vhh.linkage.normalise",),
    ("vhh.schemas",),
    ("vhh.linkage.validate",),
    ("vhh.linkage.link",),
    ("vhh.linkage.study",),
    ("vhh.linkage.privacy",),
    ("vhh.linkage.report",),
    ("vhh.linkage.analysis",),
    ("vhh.linkage.tools",),
    ("vhh.linkage.synth",),
    ("vhh.linkage",),            # the facade: it may name anything below it
    ("vhh.pipelines",),
    ("vhh.pipelines.cli",),
)


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT)
    parts = [FOLDERS[rel.parts[0]], *rel.parts[1:]]
    parts[-1] = parts[-1].removesuffix(".py")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int:
    best, best_len = -1, -1
    for k, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = k, len(prefix)
    return best


def _sources() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names) of every import of a vhh module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ""
    if path.relative_to(ROOT).parts[0] in FOLDERS:
        me = _module_name(path)
        package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            found.append((node.lineno, base, tuple(a.name for a in node.names)))
    return found


def test_every_source_module_has_a_layer():
    unplaced = [_module_name(p) for p in _sources() if _layer(_module_name(p)) < 0]
    assert unplaced == []


def test_no_module_imports_the_uninstalled_folders_directly():
    bad = [f"{p.relative_to(ROOT)}:{line} imports {mod}"
           for p in [*_sources(), *sorted((ROOT / "tests").rglob("*.py")),
                     *sorted((ROOT / "benchmarks").rglob("*.py"))]
           for line, mod, _ in _imports(p) if mod.split(".")[0] in FOLDERS]
    assert bad == []


def test_layers_import_downwards_only():
    upward = []
    for path in _sources():
        me = _module_name(path)
        for line, mod, names in _imports(path):
            if not mod.startswith("vhh."):
                continue
            targets = [f"{mod}.{n}" if _layer(f"{mod}.{n}") > _layer(mod) else mod
                       for n in names] or [mod]
            upward += [f"{path.relative_to(ROOT)}:{line} ({me}) imports {t}"
                       for t in targets if _layer(t) > _layer(me)]
    assert upward == []


def test_library_modules_do_not_import_the_facade():
    """``from vhh.linkage import X`` inside the library would run the facade mid-import."""
    bad = [f"{p.relative_to(ROOT)}:{line}" for p in _sources()
           if _module_name(p) != "vhh.linkage"
           for line, mod, names in _imports(p)
           if mod == "vhh.linkage" and not set(names) <= _subpackages()]
    assert bad == []


def _subpackages() -> set[str]:
    return {p.parent.name for p in (ROOT / "linkage").glob("*/__init__.py")}


def test_private_names_stay_in_their_module():
    bad = [f"{p.relative_to(ROOT)}:{line} imports {mod}.{n}"
           for p in _sources() for line, mod, names in _imports(p)
           if mod.startswith("vhh.") for n in names
           if n.startswith("_") and not n.startswith("__")]
    assert bad == []


def test_the_synthetic_generator_is_used_only_by_the_cli_and_the_demo():
    """The generator's Faker is an optional extra: nothing else may need it."""
    users = sorted({_module_name(p) for p in _sources()
                    if not _module_name(p).startswith("vhh.linkage.synth")
                    for _, mod, names in _imports(p)
                    if mod.startswith("vhh.linkage.synth") or
                    (mod == "vhh.linkage" and "synth" in names)})
    assert users == ["vhh.pipelines.cli.study", "vhh.pipelines.demo"]


def test_the_cli_starts_without_the_statistics_stack():
    """statsmodels and scipy take seconds to import: only ``vhh-link analyse`` loads them."""
    probe = ("import sys, vhh.pipelines.cli; "
             "print(sorted(m for m in ('statsmodels', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("limit", [400])
def test_no_module_is_longer_than_the_limit(limit):
    long = {str(p.relative_to(ROOT)): n for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit}
    assert long == {}


def test_no_function_is_longer_than_sixty_lines():
    long = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length})")
    assert long == []


def test_every_package_is_installed_by_the_wheel():
    """setuptools installs only the packages pyproject.toml lists (the folders map onto the
    vhh namespace by package-dir): a new room that is not listed is missing from a wheel."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {_module_name(p) for folder in FOLDERS for p in (ROOT / folder).rglob("__init__.py")}
    assert found == listed
