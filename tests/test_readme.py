"""The README's Python example runs against a real archive."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from archive import Archive
from tests.conftest import REPO


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    example = next(b for b in blocks if "archive.open" in b)
    Archive(tmp_path / "data" / "archive").append([{
        "url": "http://127.0.0.1/news/1.html", "site": "demo-daily", "category": "AI大模型",
        "title": "标题", "text": "正文内容", "published_at": datetime(2024, 11, 8, tzinfo=UTC),
        "fetched_at": datetime(2026, 11, 29, tzinfo=UTC),
    }])
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "demo-daily" in out and "标题" in out


def test_readme_names_the_two_commands_first():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^make (\w+)", readme, re.M)
    assert commands[:2] == ["demo", "test"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_readme_extractor_example_runs(monkeypatch, capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    example = next(b for b in blocks if "from extractor import" in b)
    monkeypatch.chdir(REPO)
    exec(compile(example, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "大模型训练的电费账单" in out and "authors:" in out


def test_readme_describes_every_article_column_as_ainews_schema_does():
    from archive.columns import columns
    from archive.schema import PAGES_SCHEMA, RUNS_SCHEMA, SCHEMA

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    described = columns()
    assert {(c.table, c.name) for c in described} >= {
        *(("articles", n) for n in SCHEMA.names), *(("pages", n) for n in PAGES_SCHEMA.names),
        *(("crawl_runs", n) for n in RUNS_SCHEMA.names)}
    for column in columns("articles"):
        assert column.meaning and column.example, column.name
        assert f"| `{column.name}` | {column.type} | {column.meaning} |" in readme, column.name


def test_every_option_of_every_command_is_in_the_readme():
    import click

    from ainews.cli import ainews

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [f"{name} {option}" for name, command in ainews.commands.items()
               for param in command.params
               if isinstance(param, click.Option) and not param.hidden
               for option in param.opts if option.startswith("--") and option not in readme]
    assert not missing, missing
