"""Bylines of pages in Latin script (English, German, French, Spanish: `By X`, `Von X am`,
`Par X`, `Por A, B y C`) and the author markup, read in region order, first match winning.

Chinese pages are read by ``people`` from scored candidates instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml.html import HtmlElement

from extractor import html_meta
from extractor.names import Kind, classify
from extractor.page import is_footer

if TYPE_CHECKING:
    from extractor.page import ParsedPage, Regions

# Words that end a name when a page glues the next label onto it (`作者:X发布时间:…`).
_STOP_WORDS = (
    "发布时间", "发布日期", "发布于", "发表于", "更新时间", "时间", "日期", "来源", "出处",
    "责任编辑", "责编", "编辑", "审核", "校对", "阅读", "浏览", "点击", "评论", "分享", "字号",
    "原标题", "摄影", "图片", "作者", "记者", "本文", "转载", "关注", "发自", "报道",
)
_STOP = re.compile(
    "|".join(_STOP_WORDS) + r"|\d{4}[-/年.]|\d{1,2}[-:]\d{2}|\d+\s*(?:分钟|小时|天|个月|年)前"
)
_SEP = r"\s*[:：|｜丨/]\s*"
_NAME_CHARS = r"[^\s:：|｜丨,，;；。!！?？()（）\[\]【】<>《》\"“”]"
# A run of names: CJK names split by spaces or 、, Latin names may hold single spaces.
_NAMES = rf"({_NAME_CHARS}+(?:(?:\s*[、,，&和及]\s*|\s+){_NAME_CHARS}+)*)"

_LATIN_NAME = r"[A-ZÄÖÜÉ][\w.'-]*(?:\s+[A-ZÄÖÜÉ][\w.'-]*){0,3}"
# Two words at least (`von Künstlern, Bands` is no byline), several people allowed:
# `Por Steven Lee Myers, Keith Bradsher y Tariq Panja`.
_FULL_NAME = r"[A-ZÄÖÜÉ][\w.'-]*(?:\s+[A-ZÄÖÜÉ][\w.'-]*){1,3}"
_FULL_NAMES = rf"{_FULL_NAME}(?:(?:\s*,\s*|\s+(?:und|y|et|e|and)\s+){_FULL_NAME})*"
_NAME_END = (r"(?=\s*$|\s*[|,∙·•]|\s+(?:am|le|el|\d)|"
             r"\s+(?:Illustration(?:en)?|Fotos?|Bild(?:er)?|Photos?)\b)")

_AUTHOR_PATTERNS = (
    re.compile(rf"(?:^|[\s(（【\[])(?:作\s*者|撰\s*文|执\s*笔\s*人?|主\s*笔|文\s*字){_SEP}{_NAMES}"),
    re.compile(rf"(?:^|[\s(（【\[])文{_SEP}{_NAMES}"),
    # Reporter names are short: `记者张三发自北京` must not swallow the rest of the sentence.
    re.compile(r"(?:^|[\s(（【\[]|报|社|台|网)(?:本报|本台|本刊)?(?:特约)?记者\s*[:：|｜]?\s*"
               r"([\u4e00-\u9fff·]{2,4}(?:[、\s]+[\u4e00-\u9fff·]{2,4})*)(?![\u4e00-\u9fff])"),
    re.compile(r"(?:本报|本台|本刊)?(?:特约)?记者\s*([\u4e00-\u9fff]{2,4})(?=发自|报道|摄)"),
    # Forums and blogs: `ggjjzhzz 发表于 2005-9-15`.
    re.compile(r"^([^\s:：]{2,20})\s*(?:发表于|发布于|posted)"),
    # `By A and B`, `By A, B and C`; a comma without a closing `and` leads to a credential or
    # a job title (`By Jane Roe, MD`, `By X, Trial Attorney`), not a second writer.
    re.compile(rf"(?:^|\s)(?:By|by|BY)\s+((?:{_FULL_NAME}\s*,\s*)*{_FULL_NAME},?\s+and\s+"
               rf"{_FULL_NAME}|{_LATIN_NAME})"),
    # The same in German, French, Spanish at the start of a line: `Text von Christian Seiler
    # Illustration von …`, `Von R. R. am 3. März`, `Ein Artikel von X | 27.01.2022`, and after a
    # time (`06.11.2023 13:30 von Olga`). Only where the name ends the byline: `von` inside a
    # sentence, before a capitalised German noun, is not one.
    re.compile(rf"^(?:Text|Ein Artikel|Artikel|Article|Un article)?\s*(?:[Vv]on|[Pp]ar|[Pp]or)"
               rf"\s+({_FULL_NAMES}){_NAME_END}"),
    re.compile(rf"\d{{1,2}}:\d{{2}}\s+von\s+({_LATIN_NAME}){_NAME_END}"),
    # `发布时间 2005/03/15 22:36:13 by duscha`: a lowercase `by` only right after a time.
    re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s+by\s+([\w.-]{2,30})(?:\s|$)"),
)
_EDITOR_PATTERN = re.compile(
    rf"(?:责任编辑|责编|编辑|主编|审核|校对|编审)(?:{_SEP}|\s+){_NAMES}"
)
_SOURCE_PATTERN = re.compile(
    rf"(?:来源|来自|出处|转载自|原文来源|稿源)(?:{_SEP}|(?<=转载自)){_NAMES}"
)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_SPLIT = re.compile(r"\s*[、,，&;；]\s*(?:and\s+|und\s+)?|\s+和\s+|\s*及\s*|\s+(?:and|und|et|y)\s+")


@dataclass(slots=True)
class Byline:
    """People and origin found in a page's meta lines."""

    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    source: str | None = None


def _names(run: str) -> list[str]:
    """Split a captured run into clean names, cutting glued labels and dates."""
    cut = _STOP.search(run)
    if cut:
        run = run[: cut.start()]
    run = run.strip(" -—·•")
    if not run:
        return []
    parts = _SPLIT.split(run)
    names: list[str] = []
    for part in parts:
        # Latin names keep their inner spaces; CJK names are separated by them.
        pieces = part.split() if _CJK_CHAR.search(part) else [part]
        for piece in pieces:
            piece = piece.strip(" -—·•")
            if piece.endswith(".") and not re.search(r"\b[A-Z]\.$", piece):
                piece = piece[:-1]  # a full stop, unless it closes an initial (`R. R.`)
            if piece and len(piece) <= 30 and piece not in names:
                names.append(piece)
    return names


_BRACKETED = re.compile(r"[\[【(（]\s*([\u4e00-\u9fff]{2,3})\s*[\]】)）]")


def person_in_meta_line(line: str) -> str | None:
    """A bare person's name on a meta line: the whole line, or bracketed (`[ 黄宇 ] 来源：…`)."""
    if looks_like_person(line.strip()):
        return line.strip()
    for match in _BRACKETED.finditer(line):
        if looks_like_person(match.group(1)):
            return match.group(1)
    return None


def parse_byline(lines: list[str]) -> Byline:
    """Read authors, editors and the source from meta lines, first finding of each kind wins."""
    byline = Byline()
    for line in lines:
        if not byline.authors:
            for pattern in _AUTHOR_PATTERNS:
                match = pattern.search(line)
                if match:
                    byline.authors = _names(next(g for g in match.groups() if g))
                    if byline.authors:
                        break
        if not byline.editors:
            match = _EDITOR_PATTERN.search(line)
            if match:
                byline.editors = _names(match.group(1))
        if byline.source is None:
            match = _SOURCE_PATTERN.search(line)
            if match:
                names = _names(match.group(1))
                byline.source = names[0] if names else None
    if byline.source and looks_like_person(byline.source):
        # `来源:尹娟` names a person, not a publication: the author.
        if not byline.authors:
            byline.authors = [byline.source]
        byline.source = None
    byline.authors = [name for name in byline.authors if name not in byline.editors]
    return byline


def looks_like_person(name: str) -> bool:
    """Tell whether a 2-3 character Chinese name is a person's rather than a publication's."""
    return len(name) <= 3 and classify(name) is Kind.PERSON


_BYLINE_LABEL = re.compile(
    r"作\s*者\s*[:：]|记者|编辑\s*[:：]|责编|来源\s*[:：]|[文撰]\s*[|｜/]|发表于"
    r"|\d:\d{2}(?::\d{2})?\s+(?:by|von)\s"
    r"|^(?:Text |Ein Artikel |Artikel |Article |Un article )?(?:[Vv]on|[Pp]ar|[Pp]or)\s+[A-ZÄÖÜÉ]"
)
_REPORTER_LEAD = re.compile(r"^\W{0,3}.{0,10}记者|[（(]\s*(?:本报)?记者[^（()）]{2,20}[)）]\s*$")
_AUTHOR_META = re.compile(r"(?:^|[:_.])author(?:_?name)?$|^dc\.creator$")
_SITE_LIKE = re.compile(r"https?:|www\.|\.(?:com|cn|net)")
_URL_LIKE = re.compile(r"https?:|www\.|/")
_PERSON_WORDS = re.compile(r"[A-ZÀ-ÞØ][\w.'’-]*(?:\s+[A-ZÀ-ÞØ][\w.'’-]*){1,3}")
_NAME_LIST = re.compile(r"\s*[,;&]\s*(?:and\s+|und\s+)?|\s+(?:and|und|et|y)\s+")
# The label beside a byline, taken alone: `Auteurs`, `Veröffentlicht am`, `Posted by`.
_BYLINE_WORD = re.compile(
    r"(?:authors?|autor(?:en|in)?|auteurs?|autores?|by|von|par|por|posted(?: by| on)?|"
    r"published(?: by| on)?|veröffentlicht(?: am| von)?|geschrieben von|name|作者)\W*",
    re.IGNORECASE,
)
_AUTHOR_HINT = re.compile(r"author|byline|writer|zuozhe", re.IGNORECASE)
# A link to an author's page: the role word as a host or a path segment followed by a name.
_AUTHOR_URL = re.compile(r"^(?:https?:)?//author\.|/(?:authors?|writers?|zuozhe)/[^/?#]+",
                         re.IGNORECASE)


@dataclass(slots=True)
class FoundPeople:
    """What the byline rules found, and where the authors came from."""

    authors: tuple[str, ...]
    editors: tuple[str, ...]
    source: str | None
    authors_where: str


def find_people(page: ParsedPage, regions: Regions) -> FoundPeople:
    """Region first, then labelled lines in page order, then the markup."""
    region = regions.header
    byline = parse_byline(region)
    where = "header"
    declared = markup_authors(page.metas, page.ld)
    if byline.authors and _agrees(byline.authors, declared):
        # `By April Roach` above the text, both writers declared: the markup's list is whole.
        byline.authors = [n for n in declared if n not in byline.editors]
    if not (byline.authors and byline.editors and byline.source):
        # Labelled lines: near the article first (`（责任编辑：X）` often closes it); a byline
        # inside a link is another article's teaser card and credits nobody here.
        cards = _card_texts(page.tree)
        near: list[str] = []
        far: list[str] = []
        for index, line in enumerate(page.lines):
            if not (((len(line) <= 80 and _BYLINE_LABEL.search(line))
                     or _REPORTER_LEAD.search(line)) and not is_footer(line)):
                continue
            if any(line in card for card in cards):
                continue
            (near if regions.near_article(index) else far).append(line)
        had = bool(byline.authors)
        _fill_missing(byline, parse_byline(near))
        where = "header" if had else "labelled"
        if not byline.authors and declared:
            byline.authors = [n for n in declared if n not in byline.editors]
            where = "markup"
        _fill_missing(byline, parse_byline(far))
        if not had and where == "labelled" and byline.authors:
            where = "labelled" if near else "elsewhere"
    if not byline.authors:
        _fill_from_markup(byline, page.tree, page.metas, page.ld)
        where = "markup"
    if not byline.authors:
        # A bare name on the lines under the title, or bracketed on the meta line.
        meta = regions.under_title[:3] + [line for line in region if "来源" in line]
        byline.authors = [name for name in map(person_in_meta_line, meta) if name][:1]
        where = "header"
    return FoundPeople(tuple(byline.authors), tuple(byline.editors), byline.source, where)


CARD_EXTRA = 20
"""A link whose text runs this many characters past a byline in it is a teaser card."""


def _card_texts(tree: HtmlElement) -> list[str]:
    """Texts of links long enough to be another article's card (headline, teaser, byline)."""
    texts = (" ".join(a.text_content().split()) for a in tree.iter("a"))
    return [text for text in texts if len(text) > CARD_EXTRA + 10]


def _agrees(found: Sequence[str], declared: Sequence[str]) -> bool:
    """Whether the markup declares every name a byline printed, and more besides."""
    folded = {name.casefold() for name in declared}
    return (len(declared) > len(found) and all(n.casefold() in folded for n in found)
            and all(_PERSON_WORDS.fullmatch(name) for name in declared))


def markup_authors(metas: Mapping[str, str], ld: list[dict[str, Any]]) -> list[str]:
    """Authors the markup declares: every JSON-LD author (lists whole), else the meta tags."""
    names = _markup_names(ld_names(html_meta.ld_value(ld, "author")))
    if not names:
        meta = html_meta.meta_content(metas, "author", "article:author", "byl") or next(
            (value for key, value in metas.items() if _AUTHOR_META.search(key)), None)
        # Chinese CMSs often put the site here: `www.yunnan.cn,云南日报报业集团,云南网`.
        names = _markup_names([meta]) if meta and not _SITE_LIKE.search(meta) else []
    return names


def _fill_missing(byline: Byline, more: Byline) -> None:
    if not byline.authors:
        byline.authors = [name for name in more.authors if name not in byline.editors]
    if not byline.editors:
        byline.editors = more.editors
        byline.authors = [name for name in byline.authors if name not in byline.editors]
    if byline.source is None:
        byline.source = more.source


def _fill_from_markup(byline: Byline, tree: HtmlElement, metas: Mapping[str, str],
                      ld: list[dict[str, Any]]) -> None:
    names = markup_authors(metas, ld)
    if not names:
        for element in author_elements(tree):
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
        if value.startswith("@"):
            continue  # a social-media account, the site's as often as the writer's
        parts = _NAME_LIST.split(value)
        # `Luana Patriolino, Raphael Felice` is two people; `Smith, John` is one; so is an
        # institution (`Landesanstalt für Wald und Forstwirtschaft`).
        if len(parts) > 1 and all(_PERSON_WORDS.fullmatch(part) for part in parts):
            names.extend(part for part in parts if part not in names)
        elif value not in names:
            names.append(value)
    return names


def author_elements(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Elements marked as the author (`rel=author`, `itemprop=author`, a class naming an
    author, byline or writer, a link to an author's page: `/author/NAME`, `author.site/NAME`),
    in page order, outside forms and comment threads."""
    for element in tree.xpath('//*[@rel="author" or @itemprop="author" or @class]'
                              ' | //a[contains(@href, "author") or contains(@href, "writer")'
                              ' or contains(@href, "zuozhe")]'):
        hint = " ".join(element.get(a, "") for a in ("class", "rel", "itemprop"))
        if (_AUTHOR_HINT.search(hint) or _AUTHOR_URL.search(element.get("href") or "")) \
                and not in_form(element):
            yield element


def author_link_names(tree: HtmlElement) -> frozenset[str]:
    """Texts of links to an author's page (`<a href="/author/li-wei">李伟</a>`): a name so
    linked is credited as a writer wherever it stands."""
    return frozenset(
        " ".join(a.text_content().split())
        for a in tree.xpath('//a[contains(@href, "author") or contains(@href, "writer")'
                            ' or contains(@href, "zuozhe")]')
        if _AUTHOR_URL.search(a.get("href") or "") and not in_form(a))


def in_form(element: HtmlElement) -> bool:
    """Whether ``element`` belongs to a form or a comment thread (`<label for=author>Name`)."""
    node: HtmlElement | None = element
    while node is not None and node.tag != "body":
        if node.tag in ("form", "label", "input", "textarea") or any(
            token.startswith("comment") for token in (node.get("class") or "").lower().split()
        ):
            return True
        node = node.getparent()
    return False


def ld_names(value: Any) -> list[str]:
    """Author names of a JSON-LD `author` value (a string, an object or a list of them)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names
