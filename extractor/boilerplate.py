"""Lines that trafilatura keeps on Chinese pages but are not the article: footers, bars, bylines."""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.script import HAN_CHAR

# Each pattern names one kind of boilerplate; they apply to short lines only, so a body
# sentence that merely mentions 版权 or 转载 survives.
_BOILERPLATE = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"copyright|©|\(c\)\s*\d{4}|版权所有|all rights reserved",          # copyright
    r"icp\s*[备证]|公网安备|增值电信业务经营许可证",                         # ICP licences
    # disclaimer
    r"免责声明|^声明\s*[:：]|不代表本(?:站|网|平台|号)(?:观点|立场)|转载请注明|如有侵权|"
    r"未经授权|未經授權|不得转载|不得轉載|禁止转载|禁止轉載",
    r"^分享到|^分享至|^分享\s*[:：]|^(?:微信|微博|QQ空间|复制链接)(?:\s+(?:微信|微博|QQ空间|复制链接))+$",
    r"下载.{0,12}(?:客户端|app)|扫描?.{0,4}二维码|扫码关注|关注.{0,8}公众号|长按识别",  # app / QR
    r"^(?:相关(?:文章|阅读|推荐|新闻|链接)|延伸阅读|推荐阅读|热门(?:文章|推荐)|猜你喜欢)\s*[:：]?$",
    r"^(?:上一篇|下一篇|上一页|下一页|返回(?:首页|顶部|列表))",
    r"^(?:当前位置|您的位置|你的位置|所在位置)\s*[:：]",                     # breadcrumb
    r"^(?:标签|关键词|关键字|tags?)\s*[:：]",                                 # tag line
    r"^(?:网友评论|发表评论|评论\s*\(\d+\)|阅读\s*\(\d+\))",
    r"^[(（\[【]?\s*(?:责任编辑|责编)\s*[:：]",
    r"(?:电话|電話)\s*[:：].{0,40}(?:传真|傳真)|^(?:邮箱|郵箱|E-?mail)\s*[:：]",        # contacts
))
# Disclaimers run long: matched at any length.
_DISCLAIMER = re.compile(r"不代表本(?:站|网|網|平台|号|號)(?:赞同|贊同)?(?:其)?"
                         r"(?:观点|觀點|立场|立場)|"
                         r"^\W{0,3}\S{0,6}(?:声明|聲明)\s*[:：]|转载并不代表|轉載並不代表")
# Style sheets a page left in its body text: `body {`, `MARGIN: 0 0 0 0;`, `}`.
_CSS = re.compile(r"^(?:[#.\w\s,>:-]+\{|\}|[\w-]+\s*:\s*[^;{}]+;|/\*.*\*/)$")
_META_LABEL = re.compile(
    r"^(?:\(|（)?(?:作\s*者|文|撰\s*文|记者|编辑|来源|发布时间|发布日期|时间|日期|出处|执笔人?)"
    r"\s*[:：|｜丨/]"
)
MAX_BOILERPLATE_CHARS = 120


def is_boilerplate(line: str) -> bool:
    """Tell whether a short line is a footer, share bar, disclaimer, breadcrumb or similar."""
    if _DISCLAIMER.search(line) or _CSS.match(line):
        return True
    if len(line) > MAX_BOILERPLATE_CHARS:
        return False
    return any(pattern.search(line) for pattern in _BOILERPLATE)


def is_meta_line(line: str, meta_lines: Iterable[str] = ()) -> bool:
    """Tell whether ``line`` is the page's byline/date line rather than body text."""
    if len(line) > MAX_BOILERPLATE_CHARS:
        return False
    if line in meta_lines:
        return True
    return _META_LABEL.search(line) is not None


def clean_lines(lines: Iterable[str], *, title: str | None, meta_lines: Iterable[str]) -> list[str]:
    """Drop boilerplate, the meta line, the repeated title and word-for-word repeated paragraphs."""
    meta = set(meta_lines)
    kept: list[str] = []
    seen: set[str] = set()
    for raw in lines:
        line = raw.strip()
        if not line or line == title:
            continue
        if is_boilerplate(line) or is_meta_line(line, meta):
            continue
        if line in seen and _is_repeated_paragraph(line):
            continue
        seen.add(line)
        kept.append(line)
    return kept


_CJK = HAN_CHAR


def _is_repeated_paragraph(line: str) -> bool:
    """A repeated line worth dropping: a whole Chinese paragraph (aggregators glue the lead
    paragraph again at the end). Other repeats are kept: hard-wrapped text, refrains, quotes."""
    return len(line) >= 20 and len(_CJK.findall(line)) >= len(line) / 2
