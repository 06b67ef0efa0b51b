"""Per-site health of recent crawls, and layout drift: a site whose figures jumped."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.store import Archive

SHARES = ("no_author", "no_date", "no_category", "short_text")
DRIFT_JUMP = 0.3
"""A share that rises this much (absolute) above the site's median of earlier runs is drift."""
MIN_ARTICLES = 5
"""Runs with fewer new articles than this are too small to judge."""
SHORT_TEXT_CHARS = 200


@dataclass
class SiteHealth:
    """The latest run of one site against its own history."""

    site: str
    runs: int
    latest: dict[str, Any]
    baseline: dict[str, float]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No drift and no failed run."""
        return not self.problems


def run_figures(archive: Archive) -> list[dict[str, Any]]:
    """Per crawl run: site, time, articles, the share of each missing field, errors, statuses."""
    return list(archive.sql(f"""
        SELECT r.crawl_run_id, coalesce(r.site, a.site) AS site, r.started_at, r.finish_reason,
               r.errors, r.http_status_counts, count(a.url) AS articles,
               avg(CASE WHEN len(coalesce(a.authors, [])) = 0 THEN 1 ELSE 0 END) AS no_author,
               avg(CASE WHEN a.published_at IS NULL THEN 1 ELSE 0 END) AS no_date,
               avg(CASE WHEN a.category IS NULL THEN 1 ELSE 0 END) AS no_category,
               avg(CASE WHEN length(a.text) < {SHORT_TEXT_CHARS} THEN 1 ELSE 0 END) AS short_text
        FROM crawl_runs r LEFT JOIN article_versions a USING (crawl_run_id)
        GROUP BY ALL ORDER BY site, r.started_at
    """).to_pylist())


def check(archive: Archive, history: int = 10) -> list[SiteHealth]:
    """Judge every site's latest run against the median of its earlier ones."""
    by_site: dict[str, list[dict[str, Any]]] = {}
    for run in run_figures(archive):
        if run["site"]:
            by_site.setdefault(run["site"], []).append(run)
    report = []
    for site, runs in sorted(by_site.items()):
        latest, earlier = runs[-1], [r for r in runs[:-1] if r["articles"] >= MIN_ARTICLES]
        earlier = earlier[-history:]
        baseline = {s: statistics.median(r[s] for r in earlier) for s in SHARES} if earlier else {}
        health = SiteHealth(site, len(runs), latest, baseline)
        if latest["finish_reason"] != "finished":
            health.problems.append(f"last run ended with {latest['finish_reason']}")
        if latest["errors"]:
            health.problems.append(f"last run logged {latest['errors']} errors")
        if baseline and latest["articles"] >= MIN_ARTICLES:
            for share in SHARES:
                if latest[share] - baseline[share] >= DRIFT_JUMP:
                    health.problems.append(
                        f"layout drift? {share.replace('_', ' ')} {latest[share]:.0%} "
                        f"(usually {baseline[share]:.0%})")
        report.append(health)
    return report


def site_problems(archive: Archive, site: str | None) -> list[str]:
    """The problems ``check`` finds for one site (plain strings: they cross processes)."""
    return [problem for health in check(archive) if health.site == site
            for problem in health.problems]
