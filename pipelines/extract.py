"""Turn one HTML page into a clean article: trafilatura for the body, our rules for the rest."""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import htmldate
import trafilatura
import trafilatura.utils
from lxml.html import HtmlElement
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from crawler.items import Article
from pipelines import html_meta
from pipelines.boilerplate import clean_lines
from pipelines.charset import declared_charset
from pipelines.dates import parse_date, parse_iso, parse_month_name_date, parse_year_month
from pipelines.hidden import drop_hidden, may_hide_text
from pipelines.mojibake import repair_mojibake
from pipelines.people import Byline, parse_byline, person_in_meta_line
from pipelines.titles import choose_title

logger = logging.getLogger(__name__)

MIN_TEXT_CHARS = 10
"""Pages with less body text than this are not articles (link lists, stubs, error pages).
The crawl pipeline archives only articles of ``EXTRACT_MIN_CHARS`` (40) characters or more."""

# The same for trafilatura's own parser (a module global): the same output on all 1,046
# benchmark pages, 9 % less time.
html_meta.use_plain_elements(trafilatura.utils.HTML_PARSER)

_OPTIONS = Extractor(output_format="txt", comments=False, tables=True, dedup=False)
_PRECISE_OPTIONS = Extractor(
    output_format="txt", precision=True, comments=False, tables=True, dedup=False
)
# Chinese portals still lay pages out with tables: their cells are navigation, not data.
_CHINESE_OPTIONS = Extractor(output_format="txt", comments=False, tables=False, dedup=False)
_CHINESE_PRECISE_OPTIONS = Extractor(
    output_format="txt", precision=True, comments=False, tables=False, dedup=False
)
LINK_CHECK_CHARS = 3000
"""Bodies up to this long are checked for being mostly link text (see ``LINK_SHARE``)."""
LINK_SHARE = 0.4
"""A short body with this share of its characters on lines that are link texts is navigation
around the article: it is extracted again in precision mode."""
TABLE_FALLBACK_CHARS = 200
"""A Chinese page with less text than this outside tables is extracted again with tables."""
UTF8_LOSS_SHARE = 0.1
"""A page that decodes as UTF-8 with at most this share of its non-ASCII characters lost is
UTF-8 with a few broken bytes; above it, the page is read as its declared charset or GB18030."""
GARBLED_SHARE = 0.2
"""A body line with more than this share of replacement characters (U+FFFD) is dropped."""
SHORT_TEXT_CHARS = 500
"""Below this, trafilatura's default mode falls back to whole-page text that leaks navigation:
such pages are extracted again in precision mode."""
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_URL_DATE = re.compile(r"/(20\d{2})[-/_]?([01]\d)[-/_]?([0-3]\d)(?:/|\D)")
_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish_date", "publication_date", "dc.date.issued", "dc.date", "date", "sailthru.date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "lastmod")
_UPDATED_LINE = re.compile(r"(?:更新时间|更新于|最后更新|修改时间)\s*[:：]?\s*(.{4,30})")
_POSTED_LABEL = re.compile(
    r"\b(posted|published|gepostet|veröffentlicht|erschienen|publiziert)\b", re.IGNORECASE)
_PUBLISH_LABEL = re.compile(r"发布|发表|时间\s*[:：]|日期\s*[:：]|更新|posted|published", re.I)
_FULL_DATE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"
)
_BYLINE_LABEL = re.compile(
    r"作\s*者\s*[:：]|记者|编辑\s*[:：]|责编|来源\s*[:：]|[文撰]\s*[|｜/]|发表于"
    r"|\d:\d{2}(?::\d{2})?\s+(?:by|von)\s"
    r"|^(?:Text |Ein Artikel |Artikel |Article |Un article )?(?:[Vv]on|[Pp]ar|[Pp]or)\s+[A-ZÄÖÜÉ]"
)
# A paragraph that opens or closes with the reporter, of any length: `本报记者胡晓蓉报道…`,
# `…推动云南工业高质量发展。（记者 胡晓蓉）`.
_REPORTER_LEAD = re.compile(r"^\W{0,3}.{0,10}记者|[（(]\s*(?:本报)?记者[^（()）]{2,20}[)）]\s*$")
_META_WORDS = re.compile(
    r"作\s*者|责任编辑|编辑|责编|来源|记者|发布时间|发布日期|发布|发表于|时间|日期|浏览|阅读|评论|"
    r"字号|[文撰]\s*[|｜/:：]|本报讯|报道"
)
_POST_HEADER = re.compile(r"(?:发表于|发表时间\s*[:：]?|回复于)\s*\d{4}\s*[-/年]")
_FOOTER = re.compile(r"copyright|©|版权所有|icp", re.IGNORECASE)
_AUTHOR_META = re.compile(r"(?:^|[:_.])author(?:_?name)?$")
_SITE_LIKE = re.compile(r"https?:|www\.|\.(?:com|cn|net)")
_URL_LIKE = re.compile(r"https?:|www\.|/")
_NAME_LIST = re.compile(r"\s*[,;&]\s*")
# The label beside a byline, taken alone: `Auteurs`, `Veröffentlicht am`, `Posted by`.
_BYLINE_WORD = re.compile(
    r"(?:authors?|autor(?:en|in)?|auteurs?|autores?|by|von|par|por|posted(?: by| on)?|"
    r"published(?: by| on)?|veröffentlicht(?: am| von)?|geschrieben von|name|作者)\W*",
    re.IGNORECASE,
)
_AUTHOR_HINT = re.compile(r"author|byline|writer|zuozhe", re.IGNORECASE)


def decode_html(html: str | bytes) -> tuple[str, str]:
    """Decode page bytes: a BOM, the page's own ``<meta charset>``, then UTF-8, then GB18030."""
    if isinstance(html, str):
        return html, "utf-8"
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                          (b"\xfe\xff", "utf-16-be")):
        if html.startswith(bom):
            return html[len(bom) :].decode(encoding, errors="replace"), encoding
    declared = declared_charset(html)
    candidates = list(dict.fromkeys([*([declared] if declared else []), "utf-8", "gb18030"]))
    for encoding in candidates:
        try:
            return html.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    # No clean decode. A UTF-8 page with a few broken bytes loses only those; a GBK page read
    # as UTF-8 loses nearly every Chinese character, and must not become that garbage.
    text = html.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= UTF8_LOSS_SHARE * len(_NON_ASCII.findall(text)):
        return text, "utf-8"
    encoding = declared if declared and declared != "utf-8" else "gb18030"
    try:
        return html.decode(encoding, errors="replace"), encoding
    except LookupError:
        return html.decode("gb18030", errors="replace"), "gb18030"


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    fetched_at: datetime | None = None,
    tz: str | None = None,
    min_chars: int = MIN_TEXT_CHARS,
) -> Article | None:
    """Extract a clean article from ``html``, or return None for a page that is not an article.

    Args:
        html: the page, decoded or as bytes (bytes are decoded by their own charset).
        url: where the page came from; used for relative links and dates in the path.
        fetched_at: when the page was fetched; relative dates (``3小时前``) count back from it.
        tz: timezone for dates the page prints without one; by default Asia/Shanghai for
            Chinese pages and UTC for others (see ``default_timezone``).
        min_chars: minimum body length of an article.
    """
    text_html, encoding = decode_html(html)
    # Before parsing: trafilatura drops the C1 controls a wrong decode leaves behind.
    text_html = repair_mojibake(text_html)
    if not text_html.strip():
        return None
    now = (fetched_at or datetime.now(UTC)).astimezone(UTC)
    try:
        tree = html_meta.parse_html(text_html)
    except (ValueError, TypeError) as exc:  # lxml rejects some documents outright
        logger.debug("unparseable page %s: %s", url, exc)
        return None

    # 1. body: trafilatura, then our line rules
    lines = html_meta.text_lines(tree)
    is_chinese = _cjk_share(lines) > 0.2
    body = _visible_body(text_html, tree, url, is_chinese=is_chinese, min_chars=min_chars)
    ld = html_meta.json_ld(tree)
    metas = html_meta.meta_index(tree)
    h1s = html_meta.headings(tree)
    title = choose_title(
        tree.findtext(".//title"), h1s, html_meta.meta_content(metas, "og:title"),
        _ld_text(ld, "headline"), html_meta.meta_content(metas, "og:site_name", "application-name"),
        html_meta.headings(tree, "h2", limit=10), url=url,
    )

    # 2. the meta line region: short lines just under (then above) the headline
    under_title, above_title = _meta_region(lines, title or (h1s[0] if h1s else None))
    region = under_title + above_title
    body_lines = _without_replies(
        [" ".join(line.split()) for line in body.split("\n")
         if line.strip() and not _garbled(line)],
        lines,
    )
    edges = body_lines[:3] + body_lines[-3:]
    # Region first, then labelled lines in page order: body edges would offer readers' replies.
    byline = parse_byline(region)
    if not (byline.authors and byline.editors and byline.source):
        # Labelled lines anywhere on the page: `（责任编辑：X）` often closes the article.
        labelled = [line for line in lines if (
            (len(line) <= 80 and _BYLINE_LABEL.search(line)) or _REPORTER_LEAD.search(line))
            and not _is_footer(line)]
        _fill_missing(byline, parse_byline(labelled))
    _fill_byline_from_markup(byline, tree, metas, ld)
    if not byline.authors:
        # A bare name on the lines under the title, or bracketed on the meta line.
        meta = under_title[:3] + [line for line in region if "来源" in line]
        byline.authors = [name for name in map(person_in_meta_line, meta) if name][:1]

    meta_lines = {line for line in region + edges if _is_meta(line, byline)}
    text_lines = clean_lines(body_lines, title=title, meta_lines=meta_lines)
    text = "\n".join(text_lines)
    if len(text) < min_chars:
        return None

    # 3. dates, in the page's timezone
    lang = _language(tree, text)
    tz = tz or default_timezone(lang)
    published, published_raw = _published(
        tree, text_html, metas, ld, lines, region, url, now, tz, lang
    )
    updated = _updated(metas, ld, lines, now, tz)

    # 4. breadcrumb, tags, language, canonical
    crumbs = html_meta.breadcrumbs(tree, title)
    category = next((c for c in reversed(crumbs) if c not in ("首页", "主页", "Home")), None)
    category = category or html_meta.meta_content(metas, "article:section")
    canonical = _canonical(tree, metas, url)
    return Article(
        url=url or canonical or "",
        canonical_url=canonical,
        title=title,
        authors=byline.authors,
        editors=byline.editors,
        published_at=published,
        published_raw=published_raw,
        updated_at=updated,
        category=category,
        breadcrumbs=crumbs,
        tags=html_meta.tags(tree, metas),
        source=byline.source,
        lang=lang,
        text=text,
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        fetched_at=now,
        encoding=encoding,
    )


def _visible_body(html: str, tree: HtmlElement, url: str | None, *, is_chinese: bool,
                  min_chars: int) -> str:
    """The body from what a reader sees: hidden elements removed before trafilatura runs.

    ``tree`` is our own parse of ``html``, used when trafilatura turns the page down.
    """
    # trafilatura's own parse, done once: each extraction pass copies the tree it is given.
    page = load_html(html)
    refused = page is None
    if page is None:
        # trafilatura refuses what does not open like an HTML page (a fragment, a wrapper
        # element around the page, junk before `<html>`); lxml reads it as a document.
        page = copy.deepcopy(tree)
    if not may_hide_text(html) or not drop_hidden(page):
        return _body(page, html, url, is_chinese=is_chinese, min_chars=min_chars)
    body = _body(page, html, url, is_chinese=is_chinese, min_chars=min_chars)
    if len(body) < SHORT_TEXT_CHARS:
        # The article itself may be what the page hides until a script shows it.
        served = _body(copy.deepcopy(tree) if refused else html, html, url,
                       is_chinese=is_chinese, min_chars=min_chars)
        if len(served) >= 4 * max(len(body), min_chars):
            return served
    return body


def _body(page: str | HtmlElement, html: str, url: str | None, *, is_chinese: bool,
          min_chars: int) -> str:
    """trafilatura's text; short results again in precision mode, which leaks no navigation.

    ``page`` is the source or a parsed tree of it, ``html`` the source.
    """
    options, precise_options = (
        (_CHINESE_OPTIONS, _CHINESE_PRECISE_OPTIONS) if is_chinese
        else (_OPTIONS, _PRECISE_OPTIONS)
    )
    body = trafilatura.extract(page, url=url, options=options) or ""
    if len(body) < SHORT_TEXT_CHARS or _mostly_links(body, page):
        precise = trafilatura.extract(page, url=url, options=precise_options) or ""
        if len(precise) >= min_chars:
            body = precise
    if is_chinese and len(body) < TABLE_FALLBACK_CHARS and _has_table(html):
        # Little outside tables: the article itself may sit in a layout cell.
        tabled = trafilatura.extract(page, url=url, options=_PRECISE_OPTIONS) or ""
        if len(tabled) >= 2 * max(len(body), min_chars):
            body = _table_cells(tabled)
    return body


def _mostly_links(body: str, page: str | HtmlElement) -> bool:
    """Whether most of ``body`` is the text of the page's links: trafilatura's whole-page
    fallback around a short article (a 60-character 快讯 inside a portal's menus and lists)."""
    if len(body) > LINK_CHECK_CHARS or isinstance(page, str):
        return False
    anchors = {" ".join(a.text_content().split()) for a in page.iter("a")}
    lines = [" ".join(line.split()) for line in body.split("\n") if line.strip()]
    linked = sum(len(line) for line in lines if line in anchors)
    return linked >= LINK_SHARE * sum(map(len, lines))


def _garbled(line: str) -> bool:
    """A line that is mostly U+FFFD: bytes lost to a wrong decode before the page reached us
    (archived copies, broken proxies). No reader can use it; keeping it only pads the text."""
    return line.count("\ufffd") > GARBLED_SHARE * len(line)


def _has_table(html: str) -> bool:
    """A cheap look for a ``<table>`` before paying for a third extraction pass."""
    return re.search(r"<table[\s>]", html, re.IGNORECASE) is not None


def _without_replies(body_lines: list[str], lines: Sequence[str]) -> list[str]:
    """Drop text that only appears after the second post header (`X 发表于 2024-3-10`):
    on forum threads and comment lists those are replies, not the article."""
    headers = [i for i, line in enumerate(lines) if len(line) <= 120 and _POST_HEADER.search(line)]
    if len(headers) < 2:
        return body_lines
    before = set(lines[: headers[1]])
    replies = {line for line in lines[headers[1] :] if line not in before}
    return [line for line in body_lines if line not in replies]


def _table_cells(text: str) -> str:
    """trafilatura's ``| a | b |`` rows as one line per non-empty cell."""
    lines: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not (stripped.startswith("|") and stripped.endswith("|")):
            lines.append(line)
            continue
        for cell in re.split(r"(?<!\\)\|", stripped.strip("|")):
            cell = cell.replace("\\|", "|").strip()
            if cell and not re.fullmatch(r"[-:\s]+", cell):
                lines.append(cell)
    return "\n".join(lines)


def _cjk_share(lines: Sequence[str]) -> float:
    sample = "".join(lines)[:20000]
    return len(_CJK.findall(sample)) / max(1, len(sample))


def default_timezone(lang: str | None) -> str:
    """Timezone for naive dates on a page in ``lang`` when the site profile names none."""
    return "Asia/Shanghai" if lang == "zh" else "UTC"


def _meta_region(lines: Sequence[str], title: str | None) -> tuple[list[str], list[str]]:
    """Short lines under the title and just above it (the first 40 lines without a title)."""
    index = next((i for i, line in enumerate(lines) if title and line == title), None)
    if index is None:
        index = next((i for i, line in enumerate(lines) if title and title in line), None)
    if index is None:
        return [line for line in lines[:40] if len(line) <= 120 and not _is_footer(line)], []
    after = [line for line in lines[index + 1 : index + 5] if len(line) <= 120]
    before = [line for line in lines[max(0, index - 2) : index] if len(line) <= 120]
    return ([line for line in after if not _is_footer(line)],
            [line for line in before if not _is_footer(line)])


def _is_footer(line: str) -> bool:
    return _FOOTER.search(line) is not None


def _is_meta(line: str, byline: Byline) -> bool:
    """A line that holds the byline or the date, and little else."""
    if len(line) > 80:
        return False
    names = [*byline.authors, *byline.editors, *([byline.source] if byline.source else [])]
    has_label = _META_WORDS.search(line)
    has_name = any(name in line for name in names)
    found = parse_date(line, now=datetime.now(UTC))
    if not (has_label and (has_name or found)) and not (has_name and found):
        return False
    # What is left without the names, the date and the labels must be next to nothing: a
    # sentence that ends with `（记者 林若川）` is body text.
    rest = line.replace(found.raw, "") if found else line
    for name in names:
        rest = rest.replace(name, "")
    rest = _META_WORDS.sub("", rest)
    return len(re.sub(r"[\W\d_]+", "", rest)) <= 12


def _fill_missing(byline: Byline, more: Byline) -> None:
    if not byline.authors:
        byline.authors = [name for name in more.authors if name not in byline.editors]
    if not byline.editors:
        byline.editors = more.editors
        byline.authors = [name for name in byline.authors if name not in byline.editors]
    if byline.source is None:
        byline.source = more.source


def _fill_byline_from_markup(byline: Byline, tree: HtmlElement, metas: Mapping[str, str],
                             ld: list[dict[str, Any]]) -> None:
    if byline.authors:
        return
    names = _markup_names(_ld_names(html_meta.ld_value(ld, "author")))
    if not names:
        meta = html_meta.meta_content(metas, "author", "article:author", "byl") or next(
            (value for key, value in metas.items() if _AUTHOR_META.search(key)), None)
        # Chinese CMSs often put the site here: `www.yunnan.cn,云南日报报业集团,云南网`.
        names = _markup_names([meta]) if meta and not _SITE_LIKE.search(meta) else []
    if not names:
        for element in tree.xpath('//*[@rel="author" or @itemprop="author" or @class]'):
            hint = " ".join(element.get(a, "") for a in ("class", "rel", "itemprop"))
            if not _AUTHOR_HINT.search(hint) or _in_form_or_comments(element):
                continue
            text = html_meta.node_text(element)
            if text and len(text) <= 30 and not _BYLINE_WORD.fullmatch(text):
                labelled = parse_byline([text])
                if labelled.editors and not labelled.authors:
                    continue
                names = labelled.authors or [text]
                break
    byline.authors = [n for n in names if n not in byline.editors]


def _markup_names(values: Sequence[str]) -> list[str]:
    """Names as markup declares them: quotes trimmed, profile URLs dropped, lists split."""
    names: list[str] = []
    for value in values:
        value = " ".join(value.split()).strip("'\"“”‘’ ")
        if not value or _URL_LIKE.match(value):
            continue
        parts = _NAME_LIST.split(value)
        # `Luana Patriolino, Raphael Felice` is two people; `Smith, John` is one.
        if len(parts) > 1 and all(len(part.split()) >= 2 for part in parts):
            names.extend(part for part in parts if part not in names)
        elif value not in names:
            names.append(value)
    return names


def _in_form_or_comments(element: HtmlElement) -> bool:
    """Whether ``element`` belongs to a form or a comment thread (`<label for=author>Name`)."""
    node: HtmlElement | None = element
    while node is not None and node.tag != "body":
        if node.tag in ("form", "label", "input", "textarea") or any(
            token.startswith("comment") for token in (node.get("class") or "").lower().split()
        ):
            return True
        node = node.getparent()
    return False


def _ld_names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def _ld_text(ld: list[dict[str, Any]], key: str) -> str | None:
    value = html_meta.ld_value(ld, key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _published(
    tree: HtmlElement, html: str, metas: Mapping[str, str], ld: list[dict[str, Any]],
    lines: list[str], region: list[str], url: str | None, now: datetime, tz: str,
    lang: str | None,
) -> tuple[datetime | None, str | None]:
    declared = [raw for raw in (_ld_text(ld, "datePublished"),
                                html_meta.meta_content(metas, *_PUBLISHED_META)) if raw]
    if lang != "zh":
        # Elsewhere htmldate's search (as trafilatura runs it) is the best we know; a declared
        # timestamp on the same day adds the time of day.
        value, raw = _htmldate(tree, html, url, now, tz, extensive=True)
        for candidate in declared:
            exact = parse_iso(candidate, tz=tz)
            if value is not None and raw and exact is not None and candidate.startswith(raw[:10]):
                return exact, candidate
        if value is None:
            # htmldate reads numeric dates; a blog's `posted on 19. Mai 2010` line it misses.
            for line in lines:
                if len(line) <= 200 and _POSTED_LABEL.search(line):
                    found = parse_month_name_date(line, now=now, tz=tz)
                    if found is not None:
                        return found.value, found.raw
        return value, raw
    # 1. declared dates (JSON-LD, meta tags): exact, often with a timezone
    for raw in declared:
        value = parse_iso(raw, tz=tz)
        if value is not None and value <= now:
            return value, raw
    # 2. the visible meta line under the title; never a footer (copyright years are not dates)
    for line in region:
        if _is_footer(line) or (_UPDATED_LINE.search(line) and "发布" not in line):
            continue
        found = parse_date(line, now=now, tz=tz)
        if found is not None:
            return found.value, found.raw
    # 3. a labelled date anywhere on the page (`发布时间:`, `发表于`, `日期:`)
    for line in lines:
        if len(line) <= 120 and _PUBLISH_LABEL.search(line) and not _is_footer(line):
            found = parse_date(line, now=now, tz=tz)
            if found is not None:
                return found.value, found.raw
    # 4. <time datetime>, a date in the URL
    for raw in tree.xpath("//time/@datetime"):
        value = parse_iso(str(raw), tz=tz)
        if value is not None and value <= now:
            return value, str(raw)
    if url:
        match = _URL_DATE.search(url)
        if match:
            found = parse_date("-".join(match.groups()), now=now, tz=tz)
            if found is not None:
                return found.value, match.group(0).strip("/")
    # 5. a declared last-modified date: a page's own statement beats a stray date line
    #    (encyclopedia and product pages carry only `dateModified` / `dateUpdate`)
    for raw in (_ld_text(ld, "dateModified"),
                html_meta.meta_content(metas, *_MODIFIED_META, "dateupdate")):
        value = parse_iso(raw, tz=tz) if raw else None
        if value is not None and value <= now:
            return value, raw
    # 6. a line that is a full date and little else (not a sentence that starts with one)
    for line in lines:
        if len(line) <= 40 and not _is_footer(line):
            found = parse_date(line, now=now, tz=tz)
            if (found is not None and _FULL_DATE.search(found.raw)
                    and len(re.sub(r"\W", "", line.replace(found.raw, ""))) <= 12):
                return found.value, found.raw
    value, raw = _htmldate(tree, html, url, now, tz, extensive=False)
    if value is not None:
        return value, raw
    # 7. a month without a day (`1998年3月号`) on a short line
    for line in lines:
        month = parse_year_month(line, now=now, tz=tz) if len(line) <= 40 else None
        if month is not None and not _is_footer(line):
            return month.value, month.raw
    return None, None


def _htmldate(tree: HtmlElement, html: str, url: str | None, now: datetime, tz: str,
              extensive: bool) -> tuple[datetime | None, str | None]:
    try:
        # Given our tree, htmldate copies it before pruning instead of parsing the page again.
        found = htmldate.find_date(
            tree, url=url, original_date=True, extensive_search=extensive,
            max_date=now.strftime("%Y-%m-%d"), outputformat="%Y-%m-%d",
        )
    except (ValueError, TypeError) as exc:  # htmldate rejects some documents outright
        logger.debug("htmldate failed on %s: %s", url, exc)
        return None, None
    if not found:
        return None, None
    if found.endswith("-01-01") and re.search(
        rf"(?:©|&copy;|copyright|\(c\))[^<]{{0,40}}{found[:4]}", html, re.IGNORECASE
    ):
        return None, None  # a bare year from the copyright line is not a publish date
    return parse_iso(found, tz=tz), found


def _updated(metas: Mapping[str, str], ld: list[dict[str, Any]], lines: list[str],
             now: datetime, tz: str) -> datetime | None:
    for raw in (_ld_text(ld, "dateModified"), html_meta.meta_content(metas, *_MODIFIED_META)):
        if raw:
            value = parse_iso(raw, tz=tz)
            if value is not None:
                return value
    for line in lines:
        match = _UPDATED_LINE.search(line) if len(line) <= 120 else None
        if match:
            found = parse_date(match.group(1), now=now, tz=tz)
            if found is not None:
                return found.value
    return None


def _canonical(tree: HtmlElement, metas: Mapping[str, str], url: str | None) -> str | None:
    hrefs = tree.xpath('//link[@rel="canonical"]/@href')
    href = str(hrefs[0]).strip() if hrefs else html_meta.meta_content(metas, "og:url")
    if not href:
        return None
    absolute = urljoin(url or "", href)
    return absolute if absolute.startswith(("http://", "https://")) else None


def _language(tree: HtmlElement, text: str) -> str | None:
    """Two-letter language: kana means Japanese, many Han characters Chinese, else ``lang``."""
    declared = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
                or "").strip().lower()[:2]
    size = max(1, len(text))
    if len(_KANA.findall(text)) / size > 0.05:
        return "ja"
    if declared in ("zh", "ja", "ko"):
        return declared
    # Chinese sites often keep a template's lang="en": trust the characters over it.
    if len(_CJK.findall(text)) / size > 0.2:
        return "zh"
    if declared.isalpha() and len(declared) == 2:
        return declared
    return "en" if re.search(r"[A-Za-z]{3}", text) else None
