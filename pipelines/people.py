"""Authors, editors and original source from the byline and meta lines of Chinese pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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

_AUTHOR_PATTERNS = (
    re.compile(rf"(?:^|[\s(（【\[])(?:作\s*者|撰\s*文|执\s*笔\s*人?|主\s*笔|文\s*字){_SEP}{_NAMES}"),
    re.compile(rf"(?:^|[\s(（【\[])文{_SEP}{_NAMES}"),
    re.compile(rf"(?:本报|本台|本刊)?(?:特约)?记者\s*[:：|｜]?\s*{_NAMES}"),
    re.compile(r"(?:^|\s)(?:By|by|BY)\s+([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})"),
)
_EDITOR_PATTERN = re.compile(
    rf"(?:责任编辑|责编|编辑|主编|审核|校对|编审)(?:{_SEP}|\s+){_NAMES}"
)
_SOURCE_PATTERN = re.compile(
    rf"(?:来源|来自|出处|转载自|原文来源|稿源)(?:{_SEP}|(?<=转载自)){_NAMES}"
)
_SPLIT = re.compile(r"\s*[、,，&;；]\s*|\s+和\s+|\s*及\s*")


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
        pieces = [part] if re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", part) else part.split()
        for piece in pieces:
            piece = piece.strip(" -—·•.")
            if piece and len(piece) <= 30 and piece not in names:
                names.append(piece)
    return names


def parse_byline(lines: list[str]) -> Byline:
    """Read authors, editors and the source from meta lines, first finding of each kind wins."""
    byline = Byline()
    for line in lines:
        if not byline.authors:
            for pattern in _AUTHOR_PATTERNS:
                match = pattern.search(line)
                if match:
                    byline.authors = _names(match.group(1))
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
    byline.authors = [name for name in byline.authors if name not in byline.editors]
    return byline
