"""Read one credit string into who did what: `（记者 柳德新 通讯员 彭娟）` → two writers.

A credit is any short run of text a page uses to name people and outlets: a meta line, the
parenthesis after a dateline, the bracket closing an article, an editor line. This module only
reads such a string; where it came from, and whether to believe it, is ``people``'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from extractor.names import (
    SURNAMES,
    Kind,
    classify,
    is_slot_outlet,
    split_glued_names,
    squeeze,
    strip_code,
    strip_place,
)
from extractor.script import HAN


class Role(Enum):
    """What a label says a named party did."""

    WRITER = "writer"
    PHOTO = "photo"
    EDITOR = "editor"
    SOURCE = "source"
    OTHER = "other"
    """Named for something else: a contact person, a host, an interviewee."""
    NONE = "none"
    """No label: a bare name in a credit slot."""


# Labels before the names they govern, longest first within each role.
_PREFIX_LABELS: tuple[tuple[Role, str], ...] = (
    (Role.EDITOR, r"责任编辑|責任編輯|值班编辑|值班編輯|实习编辑|實習編輯|编辑|編輯|责编|責編|"
                  r"主编|主編|审核|審核|审校|審校|校对|校對|编审|編審|编者|編者|美编|美編|"
                  r"选稿|選稿|排版|审读|審讀|签发|簽發|初审|初審|复审|複審|终审|終審|统筹|統籌|监制|監製"),
    (Role.PHOTO, r"摄影|攝影|摄像|攝像|图片|圖片|制图|製圖|绘图|繪圖|漫画|漫畫|图|圖|摄|攝"),
    (Role.OTHER, r"联\s*系\s*人|聯\s*繫\s*人|联系电话|主持人|嘉宾|嘉賓|受访者|受訪者|策划|策劃"),
    (Role.SOURCE, r"本文来源于|来源于|來源於|来源|來源|稿源|转载自|轉載自|转自|轉自|摘自|出处|出處|"
                  r"原载|原載|供稿"),
    (Role.WRITER, r"(?:本报|本報|本台|本刊|本网|本網|本站)?"
                  r"(?:特约|特約|首席|见习|見習|实习|實習|驻\S地)?"
                  r"(?:记者|記者)|通讯员|通訊員|实习生|實習生|作者|撰文|撰稿|撰|执笔|執筆|采写|採寫|"
                  r"采访|採訪|编译|編譯|翻译|翻譯|主笔|主筆|发布者|發佈者|发布人|原创|原創|文|口述|"
                  r"(?<![A-Za-z])[Bb]y(?=\s)"),
)
# Labels after the names they govern: `郭立亮摄`, `(李沐阳 编辑)`, `立悟/编译`, `蔡崇梧 報導`.
_SUFFIX_LABELS: tuple[tuple[Role, str], ...] = (
    # `彭瑜 賀懷湘文/圖`: text and pictures, so writers.
    (Role.WRITER, r"文\s*[/／]\s*[图圖]|图文|圖文|撰稿|编译|編譯|整理|"
                  r"(?:即時|即时|綜合|综合|專題|专题|聯合|联合)?(?:报道|報導|报导|報道)|发自|發自|"
                  r"[/／]\s*文|采写|採寫|[/／]\s*採訪報導|[/／]\s*采访报道|"
                  r"发表于|發表於|发布于|發佈於"),
    (Role.PHOTO, r"摄影|攝影|摄|攝|[/／]\s*图|[/／]\s*圖"),
    (Role.EDITOR, r"编辑|編輯"),
    (Role.SOURCE, r"供稿"),
)
# Labels that are ordinary words too: a label only with a separator after them (`文/X`,
# `图：X`, `作者：X`), never inside a phrase (`作者一覽`, `纯属作者个人观点`, `采访了`).
_NEEDS_SEPARATOR = frozenset(
    "文 图 圖 摄 攝 撰 作者 采访 採訪 翻译 翻譯 原创 原創 口述 主笔 主筆 发布人 "
    "编辑 編輯 责任编辑 責任編輯 责编 責編 主编 主編 原创 原創 美编 美編 选稿 選稿 排版 "
    "审读 審讀 签发 簽發 初审 初審 复审 複審 终审 終審 统筹 統籌 监制 監製".split())
_SEPARATOR = r"[\s:：/／|｜╱丨]"
# Labels that only ever stand before a name: `（原创）` after a headline credits nobody.
_PREFIX_ONLY = frozenset("原创 原創 作者 文 撰文 执笔 執筆".split())
# Characters a label may be glued to: `本版文/`, `专栏作者`, `新民网编辑：`, `特约作者`.
_MAY_PRECEDE_LABEL = frozenset("本版栏欄约約网網报報社台刊站")
MODIFIER_MAX = 4
"""A label is a role word with at most this many Han characters of modifiers before it
(`网络编辑：`, `见习编辑：`, `美术编辑：`): the role word decides the role, the modifier is kept
in the label as evidence. An unknown modifier needs a colon after the label."""


def _alternation(labels: tuple[tuple[Role, str], ...]) -> str:
    return "|".join(f"(?P<{role.name}>{pattern})" for role, pattern in labels)


# `[作者：X]`, `【编辑】X`: a square bracket closing right after the label is its separator.
_PREFIX = re.compile(rf"(?:{_alternation(_PREFIX_LABELS)})(?P<sep>(?:{_SEPARATOR}|[\]】])*)")
_SUFFIX = re.compile(rf"\s*(?:{_alternation(_SUFFIX_LABELS)})"
                     r"(?=$|[\s)）\]】,，、;；。/／:：]|(?<=发自)|(?<=發自))")
# What ends a credit's names: sentence punctuation, brackets, a date, a time, `报道`.
_TERMINATOR = re.compile(
    r"[。！？!?；;<>\"“”，,)）】\]〕」』]|\d{1,4}\s*[-/.年月日](?:电|電|讯|訊|消息)?|\d{1,2}[:：]\d{2}|"
    r"(?:我要评论|我要評論|字号|字號|字体|字體|文字大小|(?:发布|發佈|发表|發表|更新)?(?:时间|時間|日期)|点击|"
    r"阅读|閱讀|浏览|瀏覽|分享|更新|标签|標籤|关键词|關鍵詞|关键字|關鍵字|[Tt]ags?)"
)
_REPORTER = re.compile(r"(?:记者|記者)$")
_BRACKETS = re.compile(r"[（(【\[《》〔「『]")
_WEIBO = re.compile(r"[（(\[]\s*(?:微博|微信|博客)\s*[)）\]]")
_PIECE_SPLIT = re.compile(r"\s*(?:[、,，&＆;；/／|｜╱丨·•]|\s和\s|\s及\s)\s*|\s+")
# An outlet glued before a name or a label: `新华网张改萍`, `华西都市报记者…`, `南都记者`.
_OUTLET_PREFIX = re.compile(
    rf"^([{HAN}A-Za-z0-9·]{{1,12}}?(?:网|網|报|報|社|台|刊|新闻|新聞|日报|晚报|时报|周刊|在线|"
    rf"传媒|傳媒|央视|都|频道|科技|财经|財經))(?=[{HAN}]{{2,4}}$)"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One party a credit names: the role its label gives and what kind of name it is."""

    role: Role
    label: str
    """The label as printed (``记者``), empty for a bare name."""
    name: str
    """The name, whitespace inside Han names removed (`方 敏` → `方敏`)."""
    kind: Kind


def _label_role(match: re.Match[str]) -> tuple[Role, str]:
    for role in Role:
        value = match.groupdict().get(role.name)
        if value:
            return role, value
    return Role.NONE, ""


def _prefix_hits(text: str) -> list[tuple[int, int, Role, str]]:
    hits: list[tuple[int, int, Role, str]] = []
    for match in _PREFIX.finditer(text):
        role, label = _label_role(match)
        sep = match.group("sep")
        at_end = match.end() >= len(text) or text[match.end()] in ")）】]〕」』"
        start = match.start()
        modifier = _modifier_before(text, start) if re.search("[:：]", sep) else ""
        if modifier:
            # `网络编辑：X`: a role word the page qualified; the phrase is the label.
            start -= len(modifier)
            label = modifier + label
        elif label in _NEEDS_SEPARATOR:
            # One character needs a mark after it (`文/`); a word may take a space (`作者 X`).
            if not (sep.strip() or (len(label) > 1 and (sep or at_end))):
                continue
            before = text[start - 1] if start > 0 else ""
            if before and re.match(rf"[{HAN}]", before) and before not in _MAY_PRECEDE_LABEL:
                continue  # `…法文/英文`, `提问作者`, `赞赏作者` are no credits
        if hits and start < hits[-1][1]:
            continue
        hits.append((start, match.end(), role, label))
    return hits


def _modifier_before(text: str, start: int) -> str:
    """The Han run glued before a role word when it is a whole token of at most
    ``MODIFIER_MAX`` characters (`网络` in `网络编辑：`), else ``""``."""
    run = re.search(rf"(?:^|[^{HAN}])([{HAN}]{{1,{MODIFIER_MAX}}})$", text[:start])
    if run is None:
        return ""
    return run.group(1)


def _pieces(chunk: str, *, labelled: bool) -> list[str]:
    """The names in a chunk: split on separators; after a label, glued names split too."""
    raw = [p for p in _PIECE_SPLIT.split(chunk.strip()) if p]
    # `方 敏`: a family name and a given name the page spaced apart are one name.
    merged: list[str] = []
    for piece in raw:
        if merged and merged[-1] in SURNAMES and re.fullmatch(rf"[{HAN}]{{1,2}}", piece):
            merged[-1] += piece
        else:
            merged.append(piece)
    names: list[str] = []
    for piece in merged:
        piece = strip_code(squeeze(piece))
        if classify(piece) is Kind.OUTLET:
            names.append(piece)
            continue
        outlet = _OUTLET_PREFIX.match(piece)
        if outlet and classify(outlet.group(1)) is Kind.OUTLET \
                and classify(piece[outlet.end() :]) is Kind.PERSON:
            names.extend((outlet.group(1), piece[outlet.end() :]))  # `新华网张改萍`
            continue
        piece = strip_place(piece)
        if labelled and len(piece) >= 4 and re.fullmatch(rf"[{HAN}]+", piece):
            names.extend(split_glued_names(piece))
        elif piece:
            names.append(piece)
    return names


def read_credit(text: str, *, site_names: tuple[str, ...] = ()) -> list[Mention]:
    """Every party ``text`` credits, in order, each with its role and kind.

    ``site_names`` (normalised) mark the site's own name as an outlet.
    """
    # Brackets only group: `(微博)` is a link the portal adds, `（记者 X）` the credit itself.
    text = _WEIBO.sub(" ", text)
    text = " ".join(_BRACKETS.sub(" ", text).split())
    hits = _prefix_hits(text)
    bounds = [0, *(b for start, end, _, _ in hits for b in (start, end)), len(text)]
    chunks: list[tuple[str, Role, str]] = []
    # Chunks alternate: text before the first label, then after each label up to the next.
    roles = [(Role.NONE, ""), *((role, label) for _, _, role, label in hits)]
    # A label with a colon introduces what follows it (`攝影：記者王永勝`), never what precedes.
    colons = [False, *(bool(re.search("[:：]", text[a:b])) for a, b, _, _ in hits)]
    marked = [False, *(bool(re.search("[:：/／]", text[a:b])) for a, b, _, _ in hits)]
    for index, (role, label) in enumerate(roles):
        start, end = bounds[2 * index], bounds[2 * index + 1]
        chunk = text[start:end]
        if marked[index] and role in (Role.PHOTO, Role.EDITOR) \
                and index + 1 < len(roles) and _REPORTER.search(roles[index + 1][1]) \
                and (not chunk.strip() or classify(chunk) is Kind.OUTLET):
            # `攝影：記者王永勝`, `图/某某晚报记者 X`: a reporter (of an outlet) taking the
            # photographs is the photographer here.
            roles[index + 1] = (role, label)
            chunks.append((chunk, role, label))
            continue
        if chunks and label not in _PREFIX_ONLY and not colons[index] \
                and not _TERMINATOR.split(chunk)[0].strip() and (
                chunks[-1][1] is Role.NONE or role in (Role.PHOTO, Role.EDITOR)):
            # A label with nothing after it closes the names before it: `(李沐阳 编辑)`,
            # `記者陳立凱／攝影` (a photographer, whatever came before).
            chunks[-1] = (chunks[-1][0], role, label)
            chunks.append((chunk, Role.NONE, ""))
            continue
        chunks.append((chunk, role, label))
    mentions: list[Mention] = []
    for position, (whole, role, label) in enumerate(chunks):
        # A label reaches up to the first date, time or interface word; later text is bare.
        segments = _TERMINATOR.split(whole)
        parts = [(segments[0], role, label), *((seg, Role.NONE, "") for seg in segments[1:])]
        for chunk, chunk_role, chunk_label in parts:
            found = _read_chunk(chunk, chunk_role, chunk_label, site_names)
            following = chunks[position + 1][2] if position + 1 < len(chunks) else ""
            if (found and chunk is parts[-1][0] and chunk and re.match(r"\w", chunk[-1])
                    and _REPORTER.search(following) and found[-1].kind is not Kind.OUTLET):
                # `半月谈记者谭飞`, `南都记者 X`: what a reporter's label is glued to is the
                # paper they report for.
                last = found[-1]
                found[-1] = Mention(Role.SOURCE, last.label, last.name, Kind.OUTLET)
            mentions.extend(found)
    return mentions


def _read_chunk(chunk: str, role: Role, label: str,
                site_names: tuple[str, ...]) -> list[Mention]:
    """The mentions of the text between two labels (suffix labels cut it further)."""
    mentions: list[Mention] = []
    for sub, sub_role, sub_label in _split_suffixes(chunk, role, label):
        for name in _pieces(sub, labelled=sub_role is not Role.NONE):
            kind = classify(name, site_names=site_names)
            if kind is Kind.JUNK and sub_role is Role.SOURCE and is_slot_outlet(name):
                kind = Kind.OUTLET  # the slot says outlet, however the name ends
            if kind is not Kind.JUNK:
                mentions.append(Mention(sub_role, sub_label, name, kind))
    return mentions


def _split_suffixes(chunk: str, role: Role, label: str) -> list[tuple[str, Role, str]]:
    """Cut a chunk at suffix labels: the text before each takes the suffix's role."""
    parts: list[tuple[str, Role, str]] = []
    start = 0
    for match in _SUFFIX.finditer(chunk):
        suffix_role, suffix_label = _label_role(match)
        before = chunk[start : match.start()]
        if before.strip():
            # `记者张三发自北京`, `攝影：記者X發自長沙`: the label stays; `报道`, `发自` only say
            # where from. A photo or editor suffix overrides (`記者陳立凱／攝影`).
            keep = role if suffix_role is Role.WRITER and role is not Role.NONE else suffix_role
            parts.append((before, keep, label if keep is role else suffix_label.strip("/／ ")))
        start = match.end()
    rest = chunk[start:]
    if start and rest.strip():
        # What follows `报道`/`摄` is a new slot: a place, a date, the text.
        return parts
    if rest.strip():
        parts.append((rest, role, label))
    return parts


def has_label(line: str) -> bool:
    """Whether ``line`` holds a credit label (`记者`, `责任编辑：`, `来源：`, `文/`, `X 发表于`)."""
    return bool(_prefix_hits(line)) or _SUFFIX.search(line) is not None


_UI_NOISE = re.compile(
    r"我要评论|我要評論|参与互动|參與互動|手机看新闻|字号|字號|字体|字體|大\s*中\s*小|打印|关闭|關閉|"
    r"分享|评论|評論|阅读|閱讀|浏览|瀏覽|点击|點擊|收藏|转发|轉發|纠错|糾錯|发布时间|發佈時間|"
    r"发布日期|发表于|發表於|时间|時間|日期|发布|發佈|次|微博|微信|博客|报道|報導|来源|來源|原标题"
)
_DATE_TIME = re.compile(r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                        r"|\d{1,2}\s*[:：]\s*\d{2}"
                        r"(?:\s*[:：]\s*\d{2})?|\d{1,2}\s*月\s*\d{1,2}\s*日|[AaPp][Mm]\b")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
RESIDUE_MAX = 4
"""A credit line has at most this many word characters besides its labels, names, outlets,
dates and interface words: more, and it is running text that merely holds a label."""


def residue(text: str, mentions: list[Mention]) -> int:
    """How many word characters of ``text`` are neither credits nor dates nor interface
    words (0 for `作者：潘姿羽 2012-01-17`, many for a sentence)."""
    rest = re.sub(r"\s+", "", _URL.sub(" ", _WEIBO.sub("", text)))
    for mention in sorted(mentions, key=lambda m: -len(m.name)):
        rest = rest.replace(re.sub(r"\s+", "", mention.name), " ")
    rest = _DATE_TIME.sub(" ", rest)
    rest = _PREFIX.sub(" ", rest)
    rest = _SUFFIX.sub(" ", rest)
    rest = _UI_NOISE.sub(" ", rest)
    return len(re.findall(r"[^\W\d_]", rest))
