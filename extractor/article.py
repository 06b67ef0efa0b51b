"""One HTML page to one ``Extracted`` article: parse once, then each field from its module.

Where each field is computed: body → ``body``, title → ``titles``, authors/editors/source →
``people``, dates → ``dates``, category/tags → ``html_meta``, decoding → ``decoding``, AI
entities → ``entities``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from urllib.parse import urljoin

from lxml.html import HtmlElement

from extractor import html_meta
from extractor.body import body_lines, clean_body
from extractor.dates import choose_published, find_updated
from extractor.datetext import parse_date
from extractor.decoding import decode_page, is_binary
from extractor.entities import count_mentions
from extractor.limits import shrink
from extractor.options import ExtractOptions
from extractor.overrides import apply_overrides
from extractor.page import ParsedPage, find_regions, parse_page
from extractor.people import choose_people
from extractor.result import Extracted, FieldReport
from extractor.script import HAN_CHAR, KANA_CHAR
from extractor.titles import choose_title, title_report

logger = logging.getLogger(__name__)

_META_WORDS = re.compile(
    r"作\s*者|责任编辑|编辑|責任編輯|編輯|责编|来源|來源|记者|記者|发布时间|发布日期|发布|發佈|发表于|"
    r"时间|時間|日期|浏览|阅读|评论|字号|[文撰]\s*[|｜/:：]|本报讯|报道|報導"
)


def default_timezone(lang: str | None) -> str:
    """Timezone for naive dates on a page in ``lang`` when the site profile names none."""
    return "Asia/Shanghai" if lang == "zh" else "UTC"


def extract_article(html: str | bytes, url: str | None = None,
                    options: ExtractOptions | None = None) -> Extracted | None:
    """Extract a clean article from ``html``, or return None for a page that is not an article.

    Args:
        html: the page, decoded or as bytes (bytes are decoded by their own charset).
        url: where the page came from; used for relative links, dates in the path and the
            site's own name.
        options: fetch time, timezone, minimum length, explanations, a site's overrides.
    """
    options = options or ExtractOptions()
    now = options.fetched_at
    html, _ = shrink(html, options.max_bytes)
    if is_binary(html):
        return None
    text_html, encoding = decode_page(html, options.charset)
    if not text_html.strip():
        return None
    try:
        page = parse_page(text_html, encoding, url)
    except (ValueError, TypeError) as exc:  # lxml rejects some documents outright
        logger.debug("unparseable page %s: %s", url, exc)
        return None

    # 1. body paragraphs and headline; then where the credits sit around them
    paragraphs = body_lines(text_html, page.tree, page.lines, url, is_chinese=page.is_chinese,
                            min_chars=options.min_chars)
    title = _title(page)
    regions = find_regions(page.lines, title or (page.headings[0] if page.headings else None),
                           paragraphs)

    # 2. people: every credit scored, the plausible kept
    people = choose_people(page, regions)

    # 3. dates, in the page's timezone (the language decides it when the site does not)
    draft = clean_body(paragraphs, title=title, meta_lines=())
    lang = _language(page.tree, draft)
    tz = options.timezone or default_timezone(lang)
    published = choose_published(page, regions, now=now, tz=tz)

    # 4. the body without its meta lines
    names = [*people.authors, *people.editors, *([people.source] if people.source else [])]
    edges = paragraphs[:3] + paragraphs[-3:]
    meta_lines = {line for line in regions.header + edges if _is_meta(line, names, now, tz)}
    text = clean_body(paragraphs, title=title, meta_lines=meta_lines)
    if len(text) < options.min_chars:
        return None

    crumbs = html_meta.breadcrumbs(page.tree, title)
    category = next((c for c in reversed(crumbs) if c not in ("首页", "主页", "首頁", "Home")),
                    None) or page.meta("article:section")
    reports: tuple[FieldReport, ...] = ()
    if options.explain:
        reports = (title_report(page, title), *people.reports, published.report)
    extracted = Extracted(
        text=text,
        title=title,
        title_raw=page.tree.findtext(".//title"),
        authors=people.authors,
        editors=people.editors,
        source=people.source,
        published_at=published.value,
        published_raw=published.raw,
        published_has_time=published.has_time,
        updated_at=find_updated(page, now=now, tz=tz),
        timezone=tz,
        category=category,
        breadcrumbs=tuple(crumbs),
        tags=tuple(html_meta.tags(page.tree, page.metas)),
        canonical_url=_canonical(page, url),
        lang=lang,
        encoding=encoding,
        reports=reports,
    )
    # 5. a site profile's overrides replace what they name, and say so in the reports
    if options.overrides:
        extracted = apply_overrides(extracted, page, options, tz=tz)
    # 6. the AI field's names in the final title and body
    return replace(extracted, entities=count_mentions(extracted.title, extracted.text))


def _title(page: ParsedPage) -> str | None:
    return choose_title(
        page.tree.findtext(".//title"), page.headings, page.meta("og:title"),
        page.ld_text("headline"), page.site_name,
        html_meta.headings(page.tree, "h2", limit=10), url=page.url,
        description=page.meta("og:description", "description"), lines=page.lines,
        minor_headings=html_meta.headings(page.tree, "h3", limit=10),
    )


def _is_meta(line: str, names: Sequence[str], now: datetime | None, tz: str) -> bool:
    """A line that holds the byline or the date, and little else."""
    if len(line) > 80:
        return False
    has_label = _META_WORDS.search(line)
    has_name = any(name in line for name in names)
    found = parse_date(line, now=now, tz=tz)
    if not (has_label and (has_name or found)) and not (has_name and found):
        return False
    # What is left without the names, the date and the labels must be next to nothing: a
    # sentence that ends with `（记者 林若川）` is body text.
    rest = line.replace(found.raw, "") if found else line
    for name in names:
        rest = rest.replace(name, "")
    rest = _META_WORDS.sub("", rest)
    return len(re.sub(r"[\W\d_]+", "", rest)) <= 12


def _canonical(page: ParsedPage, url: str | None) -> str | None:
    hrefs = page.tree.xpath('//link[@rel="canonical"]/@href')
    href = str(hrefs[0]).strip() if hrefs else page.meta("og:url")
    if not href:
        return None
    absolute = urljoin(url or "", href)
    return absolute if absolute.startswith(("http://", "https://")) else None


def _language(tree: HtmlElement, text: str) -> str | None:
    """Two-letter language: kana means Japanese, many Han characters Chinese, else ``lang``."""
    declared = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
                or "").strip().lower()[:2]
    size = max(1, len(text))
    if len(KANA_CHAR.findall(text)) / size > 0.05:
        return "ja"
    if declared in ("zh", "ja", "ko"):
        return declared
    # Chinese sites often keep a template's lang="en": trust the characters over it.
    if len(HAN_CHAR.findall(text)) / size > 0.2:
        return "zh"
    if declared.isalpha() and len(declared) == 2:
        return declared
    return "en" if re.search(r"[A-Za-z]{3}", text) else None
