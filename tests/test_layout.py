"""The house's layout: imports point down, and each layer holds only its own kind of code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each package may import of the others: the application on top, then the route from a
# page to a row, then the crawl, then the two libraries (which know nothing of each other).
ALLOWED = {
    "ainews": {"pipelines", "crawler", "extractor", "archive", "report"},
    "report": {"archive"},
    "pipelines": {"crawler", "extractor", "archive"},
    "crawler": {"extractor", "archive"},
    "extractor": set(),
    "archive": set(),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every absolute module an import statement of ``path`` names (function bodies too)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down(package: str) -> None:
    """No module imports a package above its own (nor a library its sibling)."""
    upward = []
    for path in _modules(package):
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in ALLOWED and top != package and top not in ALLOWED[package]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not upward, "\n".join(upward)


def test_scrapy_settings_name_no_module_above_the_crawl() -> None:
    """Component paths in the crawl's settings are strings the import scan cannot see."""
    text = (ROOT / "crawler" / "settings.py").read_text(encoding="utf-8")
    tree = ast.parse(text)
    named = {node.value.split(".")[0] for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and "." in node.value} & set(ALLOWED)
    # The crawl's pipelines are the one route to the archive; `scrapy parse` is a command the
    # scrapy tool loads from the application (COMMANDS_MODULE), never the crawl itself.
    assert named <= {"crawler", "pipelines", "ainews"}, named
    assert {line for line in text.splitlines() if '"ainews.' in line} == {
        'COMMANDS_MODULE = "ainews.commands"'}


@pytest.mark.parametrize("library", ["click", "http.server", "socketserver", "subprocess"])
def test_the_crawl_holds_no_application_code(library: str) -> None:
    """Command lines, servers we run and child processes are the application's (``ainews/``)."""
    users = [f"{path.relative_to(ROOT)}:{line}" for path in _modules("crawler")
             for line, module in _imports(path)
             if module == library or module.startswith(library + ".")]
    assert not users, users


def test_every_package_is_installed_and_checked() -> None:
    """A new top-level package is packaged, type-checked and linted like the others."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for package in ALLOWED:
        assert f'"{package}*"' in pyproject and f'"{package}"' in pyproject, package
        assert f" {package} " in makefile.split("ruff check", 1)[1].splitlines()[0] + " ", package


def test_the_tests_mirror_the_packages():
    """Each package's tests live in ``tests/<package>/``; at the top only what crosses them all
    (the layout, the README, the fault scenarios, fixtures)."""
    tests = ROOT / "tests"
    assert {d.name for d in tests.iterdir() if d.is_dir() and (d / "__init__.py").exists()} \
        >= set(ALLOWED)
    top = {p.name for p in tests.glob("test_*.py")}
    assert top <= {"test_layout.py", "test_readme.py", "test_readme_commands.py"}, top


def test_every_file_the_packages_read_is_tracked_by_git():
    """Data files the packages ship (pyproject's package-data) and the benches' judged sets are
    in the repository: an ignore rule once kept every folder named ``data`` out of it."""
    import subprocess
    import tomllib

    tracked = set(subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.splitlines())
    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted: list[Path] = [*(ROOT / "bench" / "data").glob("*")]
    for package, patterns in shipped["tool"]["setuptools"]["package-data"].items():
        for pattern in patterns:
            wanted.extend((ROOT / package.replace(".", "/")).glob(pattern))
    assert len(wanted) >= 4
    untracked = [name for name in (str(p.relative_to(ROOT)) for p in wanted)
                 if name not in tracked]
    assert not untracked, untracked
