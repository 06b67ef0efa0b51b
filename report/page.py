"""The report page: plotly charts with plotly.js inlined once, so the file opens offline."""

from __future__ import annotations

import html
import os
import tempfile
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from archive import Archive
from report.data import MISSING_FIELDS, ReportData, Scope, gather

CHART_IDS = ("per-day", "per-category", "authors", "sources", "clusters", "entities",
             "stories", "missing", "runs")
"""The id of every chart's element, in page order (the screenshot test checks each drew)."""

_LAYOUT: dict[str, Any] = {"template": "plotly_white", "height": 420,
                           "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
                           "font": {"family": "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"}}


def _short(text: Any, width: int = 28) -> str:
    value = str(text or "")
    return value if len(value) <= width else value[: width - 1] + "…"


def _per_day(data: ReportData) -> go.Figure:
    figure = go.Figure()
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in data.per_day:
        by_site[row["site"]].append(row)
    for site, rows in sorted(by_site.items()):
        figure.add_bar(name=site, x=[r["day"] for r in rows], y=[r["articles"] for r in rows])
    return figure.update_layout(title="Articles per day (the day printed on the page)",
                                barmode="stack", xaxis_title="day", yaxis_title="articles")


def _bars(rows: list[dict[str, Any]], label: str, title: str) -> go.Figure:
    rows = list(reversed(rows))  # the largest at the top of a horizontal bar chart
    figure = go.Figure(go.Bar(x=[r["articles"] for r in rows],
                              y=[_short(r[label]) for r in rows], orientation="h",
                              hovertext=[str(r[label]) for r in rows]))
    return figure.update_layout(title=title, xaxis_title="articles")


def _clusters(data: ReportData) -> go.Figure:
    rows = list(reversed(data.clusters))
    figure = go.Figure(go.Bar(x=[r["copies"] for r in rows], y=[_short(r["title"]) for r in rows],
                              orientation="h", hovertext=[r["sites"] for r in rows]))
    return figure.update_layout(title="Largest duplicate clusters (reprints across sites)",
                                xaxis_title="copies")


def _entities(data: ReportData) -> go.Figure:
    figure = go.Figure()
    months = sorted({row["month"] for row in data.entities})
    counts: dict[str, dict[Any, int]] = defaultdict(dict)
    for row in data.entities:
        counts[row["entity"]][row["month"]] = row["articles"]
    # The most named first; a month without a mention is a zero, not a line drawn across it.
    for entity, per_month in sorted(counts.items(), key=lambda item: -sum(item[1].values())):
        figure.add_scatter(x=months, y=[per_month.get(m, 0) for m in months], name=entity,
                           mode="lines+markers")
    return figure.update_layout(title="Top AI entities: articles naming them per month",
                                xaxis_title="month", yaxis_title="articles")


def _stories(data: ReportData) -> go.Figure:
    figure = go.Figure()
    for story in reversed(data.stories):  # the most widely carried at the top
        label = _short(story.title)
        carriers = [c for c in story.carriers if c.delay_hours is not None]
        figure.add_scatter(
            x=[c.delay_hours for c in carriers], y=[label] * len(carriers),
            mode="lines+markers+text", text=[c.site for c in carriers],
            textposition="top center", showlegend=False,
            hovertext=[f"{c.site}{' (credits ' + c.source + ')' if c.source else ''}"
                       for c in carriers],
            name=f"{story.outlets} outlets, first {story.first.site}")
    longest = max((c.delay_hours or 0 for s in data.stories for c in s.carriers), default=0)
    # Room either side for the outlets' names written over the first and last marks.
    figure.update_xaxes(range=[-0.15 * longest - 1, 1.15 * longest + 1])
    return figure.update_layout(
        title="Largest stories: first outlet at 0, each reprint at its delay",
        xaxis_title="hours after the first article")


def _missing(data: ReportData) -> go.Figure:
    figure = make_subplots(rows=1, cols=len(MISSING_FIELDS), shared_yaxes=True,
                           subplot_titles=[f"no {name}" for name in MISSING_FIELDS])
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in data.missing:
        by_site[row["site"]].append(row)
    for index, name in enumerate(MISSING_FIELDS, start=1):
        for site, rows in sorted(by_site.items()):
            figure.add_scatter(x=[r["week"] for r in rows], y=[r[name] for r in rows],
                               name=site, legendgroup=site, showlegend=index == 1,
                               mode="lines+markers", row=1, col=index)
    figure.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return figure.update_layout(title="Share of articles missing a field, per site and week "
                                      "first seen")


def _runs(data: ReportData) -> go.Figure:
    figure = go.Figure()
    when = [r["started_at"] for r in data.runs]
    for column, label in (("pages_fetched", "pages"), ("articles_added", "new articles"),
                          ("errors", "errors")):
        figure.add_scatter(x=when, y=[r[column] or 0 for r in data.runs], name=label,
                           mode="lines+markers", text=[r["site"] for r in data.runs])
    return figure.update_layout(title="Crawl runs", xaxis_title="started", yaxis_title="count")


def _figures(data: ReportData) -> dict[str, go.Figure]:
    figures = {
        "per-day": _per_day(data),
        "per-category": _bars(data.per_category, "category", "Articles per category"),
        "authors": _bars(data.authors, "author", "Top authors"),
        "sources": _bars(data.sources, "source", "Top sources (来源)"),
        "clusters": _clusters(data),
        "entities": _entities(data),
        "stories": _stories(data),
        "missing": _missing(data),
        "runs": _runs(data),
    }
    rows = {"per-day": data.per_day, "per-category": data.per_category,
            "authors": data.authors, "sources": data.sources, "clusters": data.clusters,
            "entities": data.entities, "stories": data.stories, "missing": data.missing,
            "runs": data.runs}
    for name, figure in figures.items():
        figure.update_layout(**_LAYOUT)
        if not rows[name]:
            figure.add_annotation(text="nothing to show for this archive", showarrow=False,
                                  xref="paper", yref="paper", x=0.5, y=0.5)
    return figures


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return html.escape(str(value)) if value is not None else ""


def _newest(data: ReportData) -> str:
    head = "".join(f"<th>{name}</th>" for name in (
        "published (UTC)", "day", "site", "title", "authors", "source", "category"))
    rows = []
    for row in data.newest:
        url = str(row["url"] or "")
        # Only web links: a hostile page's URL must not become a script link.
        title = html.escape(str(row["title"] or url))
        link = (f'<a href="{html.escape(url, quote=True)}" rel="noreferrer">{title}</a>'
                if url.startswith(("http://", "https://")) else title)
        rows.append(f"<tr><td>{_cell(row['published_at'])}</td><td>{_cell(row['published_date'])}"
                    f"</td><td>{_cell(row['site'])}</td><td>{link}</td>"
                    f"<td>{_cell(row['authors'])}</td><td>{_cell(row['source'])}</td>"
                    f"<td>{_cell(row['category'])}</td></tr>")
    return (f'<table id="newest"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


_STYLE = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 24px;
       color: #222; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }
.chart { border: 1px solid #ddd; border-radius: 6px; padding: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid #eee; padding: 4px 8px; text-align: left; }
"""


def render(data: ReportData, *, title: str, generated: datetime) -> str:
    """The report's HTML: every chart, the newest-articles table, plotly.js inline."""
    figures = _figures(data)
    charts = "".join(
        f'<div class="chart" id="{name}">'
        + figures[name].to_html(full_html=False, include_plotlyjs=False, div_id=f"{name}-plot",
                                config={"displaylogo": False, "responsive": True})
        + "</div>" for name in CHART_IDS)
    totals = data.totals
    summary = (f"{totals.get('articles', 0)} articles, {totals.get('stories', 0)} stories, "
               f"{totals.get('sites', 0)} sites; generated "
               f"{generated.isoformat(timespec='seconds')}")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
            f"<script>{get_plotlyjs()}</script></head><body>"
            f"<h1>{html.escape(title)}</h1><p id=\"summary\">{html.escape(summary)}</p>"
            f"<div class=\"charts\">{charts}</div><h2>Newest articles</h2>{_newest(data)}"
            "</body></html>")


def report_html(archive: Archive, scope: Scope | None = None, *,
                generated: datetime | None = None) -> str:
    """The report of ``archive`` (every article, or those ``scope`` picks) as HTML."""
    scope = scope or Scope()
    title = f"ainews archive {archive.root}" + (f" — {scope.site}" if scope.site else "")
    return render(gather(archive, scope), title=title, generated=generated or datetime.now(UTC))


def write_report(archive: Archive, out: str | Path, scope: Scope | None = None, *,
                 generated: datetime | None = None) -> Path:
    """Write the report of ``archive`` to ``out`` atomically (a reader never sees half a file)
    and return its path."""
    text = report_html(archive, scope, generated=generated)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the report from a web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
