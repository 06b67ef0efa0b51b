"""The archive's tables are listed once (archive.schema.TABLES); everything else derives them."""

from __future__ import annotations

import ast

from ainews.cli.inspecting import schema as schema_command
from archive import Archive
from archive.columns import DESCRIBED
from archive.schema import TABLES
from tests.conftest import REPO


def _table_collections(path) -> list[int]:
    """Lines of literal tuples, lists, sets and dict keys naming two or more tables."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None) \
            if isinstance(node, ast.Tuple | ast.List | ast.Set) else None
        if items is None:
            continue
        names = {item.value for item in items if isinstance(item, ast.Constant)}
        if len(names & set(TABLES)) >= 2:
            found.append(node.lineno)
    return found


def test_no_second_list_of_the_archives_tables():
    spelled = []
    for package in ("ainews", "crawler", "pipelines", "archive", "report"):
        for path in sorted((REPO / package).rglob("*.py")):
            if path.relative_to(REPO).as_posix() in ("archive/schema.py", "archive/columns.py",
                                                     "ainews/cli/inspecting.py"):
                continue  # the registry; its column docs; the CLI choice checked below
            spelled += [f"{path.relative_to(REPO)}:{line}" for line in _table_collections(path)]
    assert not spelled, spelled


def test_every_reader_and_the_cli_see_the_registry(tmp_path):
    archive = Archive(tmp_path / "a")
    assert set(archive.paths) == set(TABLES)
    choice = next(p for p in schema_command.params if p.name == "table_name")
    assert tuple(choice.type.choices) == DESCRIBED  # type: ignore[attr-defined]
    with archive.to_duckdb() as con:
        views = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    # Each table a user queries is a view of its own name; the rest build the articles views.
    assert set(DESCRIBED) <= views and {"article_versions", "stories"} <= views
