"""Authors, editors and source: every credit the page offers, scored, the plausible ones kept.

1. Gather: each region that holds credits on news pages is read with ``credits.read_credit``:
   the lines under and above the headline, the dateline opening the body, the credits closing
   it, labelled lines anywhere (`责任编辑：X`), and the markup (meta, JSON-LD, author elements).
2. Score: a mention's score adds what its region is worth, what its label says, and how
   plausible the name is (a family name and a given name beats a handle; an interface word,
   a number or the site's tagline is never a name). A name found in two regions gains.
3. Choose: authors and editors are every name scoring ``PERSON_MIN`` or more (a page credits
   several people); the source is the best-scoring outlet at ``SOURCE_MIN`` or more.

Pages that are not Chinese keep the Latin-script bylines of ``bylines`` (By, Von, Par, Por)
and the markup as their candidates.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractor import bylines, html_meta
from extractor.boilerplate import is_boilerplate
from extractor.credits import RESIDUE_MAX, Mention, Role, has_label, read_credit, residue
from extractor.names import Kind, classify, squeeze, strip_place
from extractor.page import ParsedPage, Regions, is_footer
from extractor.result import Candidate, FieldReport
from extractor.script import HAN, fold

PERSON_MIN = 3.5
"""Authors and editors: every name scoring at least this is kept."""
SOURCE_MIN = 3.0
"""Source: the best outlet is kept when it scores at least this."""

# 1. what each region is worth: credits sit in a few places on news pages
_REGION = {
    "header": 2.0,       # the meta line under the headline
    "lead": 2.0,         # the dateline's parenthesis: `（记者 刘军涛）`
    "closing": 2.5,      # a bracket closing the article: `…。（忆松）`
    "tail": 2.0,         # short credit lines after the last paragraph
    "labelled": 1.0,     # a labelled line in or just after the article: `编辑：X`
    "after": -0.5,       # a labelled line well after the article (editors sit there)
    "elsewhere": -1.0,   # a labelled line before the article: a sidebar's credits
    # <meta name=author>, JSON-LD: a fallback (see _people); on Chinese portals it names the
    # uploader or the site as often as the writer.
    "markup": -0.5,
    "element": -0.5,     # class="author" elements: often a list of columnists
}
# 2. what a label says about the name after it
_ROLE = {Role.WRITER: 2.0, Role.EDITOR: 2.0, Role.SOURCE: 1.0, Role.NONE: 0.5}
_KIND = {Kind.PERSON: 1.5, Kind.HANDLE: 0.5}
_HANDLE_UNLABELLED = -1.5  # a handle counts only in a strong slot or after a strong label
_STRONG_LABELS = re.compile(r"作者|^文$|撰文|执笔|執筆|编译|編譯|原创|原創|发布者|發佈者|主笔|主筆|"
                            r"发表于|發表於|发布于|發佈於|^[Bb]y$|^author link$|"
                            r"编辑|編輯|责编|責編")
_EDITOR_AFTER = 1.5  # a page's editor line closes it, often after comments and related links
_AGREEMENT = 1.0
_MARKUP_ONLY = 3.0
_AUTHOR_ELEMENTS = 3  # the first author elements; later ones are lists of columnists
_FALLBACK = frozenset(("markup", "element"))
_SITE_ITSELF = -1.0  # the site naming itself loses to an outlet it credits
_SOURCE_LABEL_SLOT = 3.0
_DATELINE_SLOT = 1.5
_GLUED_SLOT = 1.0
_SOURCE_LABEL = re.compile(r"本文来源于|来源于|來源於|来源|來源|稿源|转载自|轉載自|转自|轉自|"
                           r"摘自|出处|出處|原载|原載|供稿|据…报道")
_OUTLET_SLOT = {Role.SOURCE: 2.0, Role.WRITER: 1.0, Role.NONE: 0.5, Role.PHOTO: 0.0,
                Role.EDITOR: 0.0}

# `…措施。（編輯：陳小華）1130321`: a wire's date code may follow the closing credit.
_CLOSING_BRACKET = re.compile(r"[（(]([^（()）]{2,40})[)）]\s*[0-9A-Za-z]{0,10}\s*$")
_BARE_CLOSING_NAME = re.compile(rf"[。！？”」』…]\s*([{HAN}][{HAN}\s/／、]{{1,18}})\s*$")
# A closing bracket that is a note, not a credit: the original title, `完`, where the piece
# first appeared (`刊于《半月谈》2019年第24期`).
_NOT_CREDIT = re.compile(r"原标题|原標題|完|待续|待續|注[:：]|图[:：]|圖[:：]|资料图|"
                         r"圖片|图片|点击|詳|详|"
                         r"刊于|刊於|原载|原載|首发|首發|选自|選自|\d{4}\s*年")
_LEAD_BRACKET = re.compile(r"^\W{0,2}[【\[〔]([^】\]〕]{2,60})[】\]〕]")
_DATELINE = re.compile(
    rf"^\W{{0,2}}([{HAN}A-Za-z0-9·\-]{{2,24}}?)\s*(?:[（(]\s*微博\s*[)）])?\s*(?:(?:\d{{1,2}}|[１-９][０-９]?)\s*月)?"
    rf"\s*(?:\d{{1,2}}|[０-９]{{1,2}})\s*日\s*(?:电|電|讯|訊|消息|报道|報導)"
    rf"|^\W{{0,2}}([{HAN}A-Za-z0-9·]{{2,16}}?)(?<![资資快简簡通喜视視电電])(?:讯|訊)"
    # `据新华社拉萨电（记者 格桑边觉）`: an agency's dateline without its date
    rf"|^\W{{0,2}}据?([{HAN}]{{2,12}}?)(?:电|電)(?=\s*[（(])"
    # `《华夏时报》专讯`: the publication's title marks, then the wire word
    rf"|^\W{{0,2}}《([^》]{{2,16}})》\s*(?:专讯|專訊|讯|訊|消息|电|電)"
)
# A dateline inside a paragraph, after captions a page glued to it:
# `…郭立亮摄湖南日报12月15日讯(记者柳德新通讯员彭娟)24.77米！`
_INLINE_DATELINE = re.compile(
    rf"([{HAN}]{{2,12}})(?:\d{{1,2}}\s*月)?\s*\d{{1,2}}\s*日\s*(?:电|電|讯|訊|消息)\s*"
    r"[（(]([^（()）]{2,40})[)）]"
)
_DATELINE_SEARCH = 20  # page lines after the headline searched for a dateline
_CAPTION_END = re.compile(r".*(?:摄|攝|图|圖|记者|記者|文)")
_LEAD_CREDIT = re.compile(r"^\s*[（(]([^（()）]{2,50})[)）]")
_LEAD_UNTIL_COLON = re.compile(r"^([^。，,：:]{2,40}?(?:报道|報導))\s*[:：]")
_REPORTED_BY = re.compile(
    rf"据([{HAN}A-Za-z0-9]{{2,12}}?)(?:\d{{1,2}}月\d{{1,2}}日)?(?:报道|報導|消息)")
_SELF = re.compile(r"^(?:本报|本報|本台|本刊|本网|本網|本站|本社)$")
_LABEL_AT_END = re.compile(r"[:：]\s*$|(?:编辑|編輯|作者|记者|記者|来源|來源)\s*$")


@dataclass(frozen=True, slots=True)
class _Seen:
    """A mention and where it was seen."""

    mention: Mention
    region: str
    raw: str
    adjust: float = 0.0
    """Score added for how the line reads (running text loses)."""
    note: str = ""
    strong_slot: bool = False
    """The name stands where bylines stand (a meta line opening with it before its date):
    a handle needs no label there."""


# ---- 1. gather ---------------------------------------------------------------------------


_MENU_SEPARATOR = re.compile(r"[>＞›»→]")
# `admin 8个月前 (04-15)`, `张三 2024-11-08 10:32`: a name opening a meta line, its date next.
_NAME_THEN_DATE = re.compile(
    r"^\s*(\S{2,20}?)\s*[·•|｜-]?\s*(?:\d{2,4}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*月|刚刚|刚才|剛剛|昨天|前天|今天|"
    r"\d+\s*(?:秒|分钟|分鐘|小时|小時|天|周|个月|個月|月|年)前)")
_RUNNING_TEXT = -1.5
_BYLINE_SLOT = 1.5
_SENTENCE = re.compile(r"[。！？，,!?]")
_MAX_BARE_NAMES = 2
_MENU_ITEM_CHARS = 4
_MENU_ITEMS_MIN = 3
_IN_MENU = -1.5
_POST_LABEL = re.compile(r"发表于|發表於|发布于|發佈於")
_LIST_ITEM = re.compile(r"^\s*[-・•·]\s")  # `- 王茜`: an item of a list, not a credit line
_MENU_BAR = re.compile(r"\s[|｜]\s")
_MENU_ITEMS = re.compile(r"\S\s*[/／|｜&＆]\s*\S")  # `西雅圖/夏威夷`: links, not people
_SLASHED_DATE = re.compile(r"\d{1,4}/\d{1,2}(?:/\d{1,4})?")


def _credit(text: str, region: str, page: ParsedPage, *, slot: bool = False) -> list[_Seen]:
    """The mentions of one line. ``slot``: the text is a credit slot already (a dateline's or
    a closing bracket's content); else the line must read like a credit line: a breadcrumb or
    menu is none, and in running text only labelled names count."""
    if not slot and _MENU_SEPARATOR.search(text):
        return []
    mentions = read_credit(text, site_names=page.names_of_site)
    if slot:
        return [_Seen(m, region, text[:80]) for m in mentions]
    bare = [m for m in mentions if m.role is Role.NONE and m.kind is not Kind.OUTLET]
    # A date's slashes (`2024/03/01`) separate no menu items.
    undated = _SLASHED_DATE.sub(" ", text)
    if len(bare) > _MAX_BARE_NAMES or (bare and len(bare) == len(mentions)
                                       and _MENU_ITEMS.search(undated)):
        mentions = [m for m in mentions if m not in bare]  # a menu of words, not a credit
    if len(_MENU_BAR.findall(text)) >= 2:
        # `示例日报网 | 新闻 | 地方 | 评论`: a navigation bar names the site, credits nobody.
        mentions = [m for m in mentions if m.role is not Role.NONE]
    if _SENTENCE.search(text):
        # A caption or a sentence names people it is about, not who wrote it.
        mentions = [m for m in mentions if m.role is not Role.NONE or m.kind is Kind.OUTLET]
    if residue(text, mentions) <= RESIDUE_MAX:
        opening = _NAME_THEN_DATE.match(text) if region == "header" else None
        return [_Seen(m, region, text[:80], _BYLINE_SLOT, "opens the meta line before its date",
                      strong_slot=True)
                if opening and m.name == squeeze(opening.group(1)) and m.role is Role.NONE
                else _Seen(m, region, text[:80]) for m in mentions]
    return [_Seen(m, region, text[:80], _RUNNING_TEXT, "in running text")
            for m in mentions if m.role is not Role.NONE and m.kind is not Kind.HANDLE]


def _joined(lines: Sequence[str]) -> list[tuple[int, str]]:
    """Lines (with their index) where a label that ends a line is joined to the next one
    (`责任编辑:` / `夏欣`)."""
    out: list[tuple[int, str]] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        if (_LABEL_AT_END.search(line) and i + 1 < len(lines) and len(lines[i + 1]) <= 30
                and has_label(line)):
            out.append((i, f"{line} {lines[i + 1]}"))
            skip = True
        else:
            out.append((i, line))
    return out


def _lead(paragraph: str, page: ParsedPage, *, first: bool) -> list[_Seen]:
    """A dateline's outlet and the credit after it: `中新社长沙1月17日电 (傅煜 吕高安)`.
    ``first``: one of the first two paragraphs, where a bracketed credit may open the text."""
    seen: list[_Seen] = []
    bracket = _LEAD_BRACKET.match(paragraph) if first else None
    if bracket:
        return _credit(bracket.group(1), "lead", page, slot=True)
    dateline = _DATELINE.match(paragraph)
    if not dateline:
        inline = _INLINE_DATELINE.search(paragraph[:300])
        if inline:
            outlet = _CAPTION_END.sub("", inline.group(1))
            if classify(outlet, site_names=page.names_of_site) is Kind.OUTLET:
                seen.append(_Seen(Mention(Role.SOURCE, "电/讯", outlet, Kind.OUTLET), "lead",
                                  inline.group(0)))
            return seen + _credit(inline.group(2), "lead", page, slot=True)
    if not (first or dateline):
        return []
    rest = paragraph
    if dateline:
        outlet = squeeze(next((g for g in dateline.groups() if g), ""))
        outlet = re.sub(r"(?:\d{1,2}|[０-９]{1,2})$", "", outlet)
        if has_label(outlet):
            # `环球网实习记者胥文琦1月12日报道`: the dateline holds the credit itself.
            seen.extend(_credit(outlet, "lead", page, slot=True))
        elif outlet and not _SELF.match(outlet):
            outlet = strip_place(outlet)
            kind = classify(outlet, site_names=page.names_of_site)
            if kind in (Kind.OUTLET, Kind.HANDLE):
                seen.append(_Seen(Mention(Role.SOURCE, "电/讯", outlet, Kind.OUTLET), "lead",
                                  paragraph[: dateline.end()]))
        rest = paragraph[dateline.end() :]
    credit = _LEAD_CREDIT.match(rest)
    if credit:
        seen.extend(_credit(credit.group(1), "lead", page, slot=True))
    elif dateline:
        until = _LEAD_UNTIL_COLON.match(rest.strip())
        if until:
            seen.extend(_credit(until.group(1), "lead", page, slot=True))
    reported = _REPORTED_BY.search(paragraph[:60])
    if reported:
        name = reported.group(1)
        if classify(name, site_names=page.names_of_site) is Kind.OUTLET:
            seen.append(_Seen(Mention(Role.SOURCE, "据…报道", name, Kind.OUTLET), "lead",
                              reported.group(0)))
    return seen


def _closing(lines: Sequence[str], page: ParsedPage,
             regions_titles: frozenset[str] = frozenset()) -> list[_Seen]:
    """Credits closing the article: a bracket at a paragraph's end, a bare name after the last
    sentence, short credit lines."""
    seen: list[_Seen] = []
    for offset, line in enumerate(reversed(lines)):
        region = "closing" if offset == 0 else "tail"
        if (is_boilerplate(line) and not has_label(line)) or line in regions_titles:
            continue  # `未經授權，不得轉載。`: a disclaimer, not a credit; nor the headline
        bracket = _CLOSING_BRACKET.search(line)
        if bracket and not _NOT_CREDIT.search(bracket.group(1)):
            seen.extend(_credit(bracket.group(1), region, page, slot=True))
            continue
        bare = _BARE_CLOSING_NAME.search(line) if offset == 0 else None
        if bare:
            # `…毒素。 黃千容 賴世杰 台中`, `…等。记者祝勇`: a credit after the last sentence.
            seen.extend(_credit(bare.group(1), "tail", page, slot=True))
        elif (len(line) <= 40 and not re.search(r"[。！？!?]", line) and not is_footer(line)
              and not _LIST_ITEM.match(line)):
            seen.extend(_credit(line, "tail", page))
    return seen


def _after_body(lines: Sequence[str], page: ParsedPage) -> list[_Seen]:
    """A closing credit on the lines just after what the body extractor kept."""
    seen: list[_Seen] = []
    for line in lines:
        bracket = _CLOSING_BRACKET.search(line)
        bare = _BARE_CLOSING_NAME.search(line)
        match = bracket if bracket and not _NOT_CREDIT.search(bracket.group(1)) else bare
        if match:
            seen.extend(_credit(match.group(1), "tail", page, slot=True))
    return seen


def _labelled(page: ParsedPage, regions: Regions, skip: set[str]) -> list[_Seen]:
    """Short labelled lines anywhere on the page: `（责任编辑：X）` often closes the article;
    far from it, a label credits another article."""
    seen: list[_Seen] = []
    for index, line in _joined(page.lines):
        if len(line) <= 80 and line not in skip and has_label(line) and not is_footer(line):
            region = ("labelled" if regions.near_article(index)
                      else "after" if regions.span and index > regions.span[1] else "elsewhere")
            seen.extend(_credit(line, region, page))
    return seen


def _markup(page: ParsedPage) -> list[_Seen]:
    """Authors the markup declares: JSON-LD, ``<meta name=author>``, author elements."""
    seen: list[_Seen] = []
    for name in bylines.ld_names(html_meta.ld_value(page.ld, "author")):
        seen.append(_Seen(Mention(Role.WRITER, "json-ld", squeeze(name),
                                  classify(name, site_names=page.names_of_site)), "markup", name))
    meta = page.meta("author", "article:author", "byl")
    if meta:
        found = _credit(meta, "markup", page)
        for s in found:
            m = s.mention
            role = Role.WRITER if m.role is Role.NONE else m.role
            seen.append(_Seen(Mention(role, "meta author", m.name, m.kind), "markup", meta,
                              s.adjust, s.note))
    for element in itertools.islice(bylines.author_elements(page.tree), _AUTHOR_ELEMENTS):
        text = html_meta.node_text(element)
        if text and len(text) <= 40:
            for m in read_credit(text, site_names=page.names_of_site):
                role = Role.WRITER if m.role is Role.NONE else m.role
                seen.append(_Seen(Mention(role, m.label or "author element", m.name, m.kind),
                                  "element", text))
    return seen


def _first_post_only(seen: list[_Seen]) -> list[_Seen]:
    """On a forum thread every post opens with `X 发表于 DATE`: the first is the article's,
    the others are replies."""
    posts = [s for s in seen if _POST_LABEL.fullmatch(s.mention.label)]
    return [s for s in seen if s not in posts[1:] or s.mention.name == posts[0].mention.name]


def gather(page: ParsedPage, regions: Regions) -> list[_Seen]:
    """Every credit mention of a Chinese page, with its region."""
    return _first_post_only(_gather(page, regions))


def _gather(page: ParsedPage, regions: Regions) -> list[_Seen]:
    seen: list[_Seen] = []
    header = [line for _, line in _joined(regions.header)]
    # Lines of a few characters each around the headline are a menu, not a meta line.
    menu = sum(len(line) <= _MENU_ITEM_CHARS for line in header) >= _MENU_ITEMS_MIN
    linked = bylines.author_link_names(page.tree)
    for line in header:
        for s in _credit(line, "header", page):
            if s.mention.role is Role.NONE and s.mention.name in linked:
                # Linked to the author's page: the link is the label.
                s = _Seen(Mention(Role.WRITER, "author link", s.mention.name, s.mention.kind),
                          s.region, s.raw, s.adjust, s.note, s.strong_slot)
            elif menu and s.mention.role is Role.NONE and s.mention.kind is not Kind.OUTLET:
                s = _Seen(s.mention, s.region, s.raw, s.adjust + _IN_MENU, "in a menu")
            seen.append(s)
    # The dateline opens the article: among the body's first paragraphs, or on the page
    # lines after the headline when the body extractor started below it.
    start = regions.title_index if regions.title_index is not None else 0
    after_headline = page.lines[start + 1 : start + 1 + _DATELINE_SEARCH]
    opening = [*regions.lead, *(line for line in after_headline
                                if line not in regions.lead and _DATELINE.match(line))]
    for index, paragraph in enumerate(opening):
        found = _lead(paragraph, page, first=index < 2)
        seen.extend(found)
        if found and index >= 2:
            break  # the article's own dateline; later ones open quoted stories
    seen.extend(_closing(regions.tail, page, frozenset(page.headings)))
    if regions.last_prose is not None:
        seen.extend(_closing([regions.last_prose], page, frozenset(page.headings)))
    seen.extend(_after_body(regions.after, page))
    seen.extend(_labelled(page, regions, set(header) | set(regions.header)))
    seen.extend(_markup(page))
    return seen


# ---- 2. score ----------------------------------------------------------------------------


def _person_score(seen: _Seen) -> tuple[float, str]:
    m = seen.mention
    score = _REGION[seen.region] + _ROLE.get(m.role, 0.0) + _KIND.get(m.kind, 0.0) + seen.adjust
    why = [f"{seen.region} {_REGION[seen.region]:+g}",
           f"{('label ' + m.label) if m.label else 'no label'} {_ROLE.get(m.role, 0.0):+g}",
           f"{m.kind.value} {_KIND.get(m.kind, 0.0):+g}"]
    if seen.note:
        why.append(f"{seen.note} {seen.adjust:+g}")
    if m.role is Role.EDITOR and seen.region == "after":
        score += _EDITOR_AFTER
        why.append(f"an editor line after the article {_EDITOR_AFTER:+g}")
    if m.kind is Kind.HANDLE and not (seen.strong_slot or _STRONG_LABELS.search(m.label)
                                      or seen.region in ("closing", "lead")):
        score += _HANDLE_UNLABELLED
        why.append(f"handle without a strong label {_HANDLE_UNLABELLED:+g}")
    return score, ", ".join(why)


def _people(seen: Iterable[_Seen], roles: tuple[Role, ...]) -> list[Candidate]:
    """Candidates for one people field: mentions of those roles, one per name, agreement
    between regions added. The markup is a fallback: when the visible page credits someone,
    a name only the markup gives is left out (CMSs fill `author` with the uploader)."""
    best: dict[str, tuple[float, str, _Seen]] = {}
    regions: dict[str, set[str]] = {}
    order: list[str] = []
    for s in seen:
        if s.mention.role not in roles or s.mention.kind not in (Kind.PERSON, Kind.HANDLE):
            continue
        if s.mention.role is Role.SOURCE and s.mention.kind is not Kind.PERSON:
            continue  # `来源：X` names a person only when X is a name
        key = fold(s.mention.name)
        if not key:
            continue
        score, why = _person_score(s)
        # Agreement is two different lines naming the same person, not one line seen twice.
        regions.setdefault(key, set()).add(re.sub(r"\W+", "", s.raw)[:40] or s.region)
        if key not in best:
            order.append(key)
        if key not in best or score > best[key][0]:
            best[key] = (score, why, s)
    candidates = []
    for key in order:
        score, why, s = best[key]
        extra = min(2, len(regions[key]) - 1)
        if extra:
            score += _AGREEMENT * extra
            why += f", on {len(regions[key])} lines {_AGREEMENT * extra:+g}"
            if (s.mention.kind is Kind.HANDLE and s.region == "header"
                    and squeeze(s.raw) == s.mention.name and "handle without" in why):
                # A self-media account: its name alone under the headline and again on the
                # page (the profile card) stands where a byline stands.
                score -= _HANDLE_UNLABELLED
                why += f", an account named alone under the headline {-_HANDLE_UNLABELLED:+g}"
        candidates.append(Candidate(s.mention.name, score, s.region, why, s.raw))
    visible = any(c.score >= PERSON_MIN for c in candidates if c.where not in _FALLBACK)
    if visible:
        candidates = [
            c if c.where not in _FALLBACK or len(regions[key]) > 1 else
            Candidate(c.value, c.score - _MARKUP_ONLY, c.where,
                      c.evidence + f", markup only while the page credits others "
                      f"{-_MARKUP_ONLY:+g}", c.raw)
            for c, key in zip(candidates, order, strict=True)]
    return candidates


def _sources(seen: Iterable[_Seen], page: ParsedPage) -> list[Candidate]:
    found: list[Candidate] = []
    for s in seen:
        m = s.mention
        if m.kind is Kind.OUTLET:
            # The outlet a page names as its source (来源, 稿源, 转载自) comes first, a
            # dateline's agency next, an outlet named beside a reporter after that.
            slot = (_DATELINE_SLOT if m.label == "电/讯" else _SOURCE_LABEL_SLOT
                    if m.role is Role.SOURCE and _SOURCE_LABEL.fullmatch(m.label)
                    else _GLUED_SLOT if m.role is Role.SOURCE else _OUTLET_SLOT.get(m.role, 0.0))
            kind = 1.5
        elif m.role is Role.SOURCE and m.kind is Kind.HANDLE:
            slot, kind = 2.0, 0.0  # `来源：中国证券报·中证网`-like text that is no known outlet
        else:
            continue
        score = _REGION[s.region] + slot + kind + s.adjust
        why = f"{s.region} {_REGION[s.region]:+g}, {m.label or 'no label'} {slot:+g}, " \
              f"{m.kind.value} {kind:+g}" + (f", {s.note} {s.adjust:+g}" if s.note else "")
        value = m.name.strip("《》")
        if fold(value) in page.names_of_site or any(
                len(n) >= 3 and n in fold(value) for n in page.names_of_site):
            score += _SITE_ITSELF
            why += f", the site itself {_SITE_ITSELF:+g}"
        found.append(Candidate(value, score, s.region, why, s.raw))
    # Agreement: an outlet named in two places (dateline and meta line) is the source.
    scored = []
    for c in found:
        others = {o.where for o in found if o is not c and _same_outlet(o.value, c.value)}
        others.discard(c.where)
        bonus = _AGREEMENT if others else 0.0
        scored.append(Candidate(c.value, c.score + bonus, c.where,
                                c.evidence + (f", also in {', '.join(sorted(others))} +1"
                                              if bonus else ""), c.raw))
    return scored


def _same_outlet(a: str, b: str) -> bool:
    x, y = fold(a), fold(b)
    return bool(x) and bool(y) and (x in y or y in x)


# ---- 3. choose ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class People:
    """The people fields of a page, and how each was chosen."""

    authors: tuple[str, ...]
    editors: tuple[str, ...]
    source: str | None
    reports: tuple[FieldReport, ...]


def _keep(candidates: list[Candidate], minimum: float) -> tuple[str, ...]:
    return tuple(c.value for c in candidates if c.score >= minimum)


def choose_people(page: ParsedPage, regions: Regions) -> People:
    """Authors, editors and source of a page, each from its scored candidates."""
    if not page.is_chinese:
        return _latin_people(page, regions)
    seen = gather(page, regions)
    authors_c = _people(seen, (Role.WRITER, Role.NONE, Role.SOURCE))
    editors_c = _people(seen, (Role.EDITOR,))
    editors = _keep(editors_c, PERSON_MIN)
    authors = _keep(authors_c, PERSON_MIN)
    sources_c = _sources(seen, page)
    # Equal scores: the outlet more places name (a dateline and a 来源 line) over one a
    # sentence cites (`据X消息`).
    best = max(sources_c, key=lambda c: (c.score, sum(_same_outlet(o.value, c.value)
                                                      for o in sources_c)), default=None)
    source = best.value if best is not None and best.score >= SOURCE_MIN else None
    reports = (
        FieldReport("authors", authors, tuple(authors_c), f"every name scoring >= {PERSON_MIN}"),
        FieldReport("editors", editors, tuple(editors_c), f"every name scoring >= {PERSON_MIN}"),
        FieldReport("source", (source,) if source else (), tuple(sources_c),
                    f"highest score, if >= {SOURCE_MIN}"),
    )
    return People(authors, editors, source, reports)


def _latin_people(page: ParsedPage, regions: Regions) -> People:
    """Bylines of pages in Latin script: the labelled patterns, then the markup."""
    found = bylines.find_people(page, regions)
    reports = tuple(
        FieldReport(name, values, tuple(Candidate(v, 1.0, where, why) for v in values),
                    "first byline pattern that matches, in region order")
        for name, values, where, why in (
            ("authors", found.authors, found.authors_where, "byline pattern"),
            ("editors", found.editors, "labelled", "editor label"),
            ("source", (found.source,) if found.source else (), "labelled", "source label"),
        )
    )
    return People(found.authors, found.editors, found.source, reports)
