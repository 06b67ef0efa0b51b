"""What extraction returns: the article's fields, and for each field the candidates weighed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Candidate:
    """One value a page offers for a field, with the evidence behind its score."""

    value: str
    """The value as it would be stored (a name, an outlet, an ISO timestamp, a headline)."""
    score: float
    where: str
    """The region it came from: ``header``, ``lead``, ``tail``, ``labelled``, ``markup``,
    ``meta``, ``json-ld``, ``url``, ``heading``, ``title-tag``, ``override``…"""
    evidence: str
    """Why it scored what it did, in a few words (`label 记者, person name, +1 agreement`)."""
    raw: str = ""
    """The text it was read from, shortened."""


@dataclass(frozen=True, slots=True)
class FieldReport:
    """How one field was chosen: every candidate, the winners and the rule that decided."""

    name: str
    chosen: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    rule: str
    """The choice rule in words (`every name scoring 3.5 or more`, `highest score`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted:
    """A clean article as the page gives it: no crawl facts (site, status, run) in here."""

    text: str
    """Body text, one paragraph per line, without headline, meta line, footer or navigation."""
    title: str | None = None
    """Headline without site-name suffixes."""
    title_raw: str | None = None
    """The page's ``<title>`` as printed."""
    authors: tuple[str, ...] = ()
    """People credited as writers (记者, 作者, 文, 通讯员, 实习生, 编译…), page order."""
    editors: tuple[str, ...] = ()
    """People credited as editors (编辑, 责任编辑, 责编…)."""
    source: str | None = None
    """The outlet the article comes from (来源/稿源/转载自, or a dateline's agency)."""
    published_at: datetime | None = None
    """Publish time, timezone-aware UTC; midnight local time when the page prints no time."""
    published_raw: str | None = None
    """The date string as printed (``2024年11月08日 10:32``, ``8个月前 (04-15)``)."""
    published_has_time: bool = False
    """Whether the page printed a time of day with the date."""
    updated_at: datetime | None = None
    """Last-modified time when the page states one, UTC."""
    timezone: str = "UTC"
    """IANA zone naive dates were read in."""
    category: str | None = None
    """Last breadcrumb entry before the article (else ``article:section``)."""
    breadcrumbs: tuple[str, ...] = ()
    """Breadcrumb path from the home page (``首页 > 资讯 > AI大模型``)."""
    tags: tuple[str, ...] = ()
    canonical_url: str | None = None
    """``<link rel=canonical>`` or ``og:url``, absolute."""
    lang: str | None = None
    """Two-letter language code."""
    encoding: str = "utf-8"
    """Charset the page was decoded from."""
    entities: tuple[tuple[str, int], ...] = ()
    """(entity id, mentions) of the AI field's names in title and body, most mentioned first
    (``extractor.entities``)."""
    reports: tuple[FieldReport, ...] = field(default=(), compare=False)
    """Per-field candidates and choices; filled when ``ExtractOptions.explain`` is set."""

    @property
    def published_date(self) -> date | None:
        """The publish day as the page printed it: ``published_at`` in the page's timezone
        (a Beijing page of 2024-01-03 is 2024-01-02 16:00 UTC, and this says 2024-01-03)."""
        return local_date(self.published_at, self.timezone)

    @property
    def updated_date(self) -> date | None:
        """The last-modified day in the page's timezone."""
        return local_date(self.updated_at, self.timezone)

    def report(self, name: str) -> FieldReport | None:
        """The report of field ``name``, when explanations were asked for."""
        return next((r for r in self.reports if r.name == name), None)


def local_date(moment: datetime | None, zone: str) -> date | None:
    """The calendar day of ``moment`` in the IANA ``zone``."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone)).date()
