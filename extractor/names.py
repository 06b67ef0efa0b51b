"""What a person's name and an outlet's name look like: the plausibility half of every credit.

A byline slot holds a person (2–4 Han characters opening with a family name, a Latin name, a
user handle) or an organisation (`新华社`, `羊城晚报`, `IT之家`); this module tells them apart and
rejects what is neither (interface words, numbers, dates, domains, the site's own tagline).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import os
import re
import unicodedata
from enum import Enum
from pathlib import Path

from extractor.script import HAN, fold, has_han

# Family names, most common first: the first block is the common tier (about nine in ten
# people carry one of them); the second holds rarer ones that still head bylines.
_COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章"
    "鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉"
    "骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛"
    "仲虞敖巩佘池查麻苑迟邝傅帅嵇阎萧"
)
_RARE_SURNAMES = (
    "和明支信丰秋雍荆郁晋宦揭奚郗禹鞠洪封储厉满劳寿阙蔺楚闻原幸慕宓尉冼区钮鄢谈贝井舍"
    "衣银达鄂母习芮蓬官束燕苌羊钭巴茅武斯计伏成赖蔚雒逯蓟昝栗展漆邸练隆钦伊桓宣"
)
_COMPOUND_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯 轩辕 长孙 宇文 端木 申屠 "
    "澹台 南宫 西门 呼延 独孤 万俟 闻人 拓跋"
).split()
# Traditional forms of the family names above whose characters differ from the simplified.
_SCRIPT_PAIRS = (
    "张張 刘劉 陈陳 杨楊 黄黃 赵趙 吴吳 孙孫 郑鄭 谢謝 韩韓 冯馮 "
    "邓鄧 叶葉 苏蘇 吕呂 卢盧 钟鍾 谭譚 陆陸 贾賈 韦韋 邹鄒 闫閆 "
    "龙龍 贺賀 顾顧 龚龔 万萬 钱錢 严嚴 汤湯 齐齊 乔喬 庞龐 颜顏 "
    "庄莊 聂聶 鲁魯 欧歐 关關 兰蘭 纪紀 毕畢 单單 骆駱 蓝藍 饶饒 "
    "缪繆 车車 项項 连連 芦蘆 娄婁 窦竇 卫衛 宁寧 华華 丛叢 栾欒 "
    "邝鄺 蒋蔣 罗羅 许許 阳陽 时時 师師 邬鄔 边邊 荣榮 农農 应應 "
    "丰豐 储儲 厉厲 满滿 劳勞 寿壽 阙闕 蔺藺 闻聞 钮鈕 谈談 贝貝 "
    "银銀 习習 苌萇 钭鈄 马馬 萧蕭 阎閻 东東 长長 诸諸 门門 独獨 "
    "赖賴 练練 钦欽 蓟薊 "
).split()
_TO_TRADITIONAL = str.maketrans({pair[0]: pair[1] for pair in _SCRIPT_PAIRS})


def _both_scripts(chars: str) -> frozenset[str]:
    return frozenset(chars) | frozenset(chars.translate(_TO_TRADITIONAL))


COMMON_SURNAMES = _both_scripts(_COMMON_SURNAMES)
"""Family names of the common tier, in simplified and traditional script."""
SURNAMES = COMMON_SURNAMES | _both_scripts(_RARE_SURNAMES)
"""Every single-character family name known here."""
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES) | frozenset(
    s.translate(_TO_TRADITIONAL) for s in _COMPOUND_SURNAMES)
"""Two-character family names (欧阳, 司马), both scripts."""

# Words a page puts where a name could stand: interface labels, placeholders, generic roles.
_NOT_NAMES = frozenset((
    "关闭 打印 收藏 返回 登录 注册 更多 顶部 评论 分享 订阅 纠错 举报 推荐 "
    "查看 回复 上页 下页 全文 "
    "原文 简介 相关 热点 排行 专题 视频 图片 新闻 滚动 未知 佚名 匿名 管理员 编辑部 本站 本网 本报 "
    "网友 小编 用户 游客 作者 记者 编辑 来源 综合 整理 报道 通讯员 实习生 "
    "文字大小 字号 大中小 默认 正文 标题 时间 日期 发布 发表 点击 阅读 浏览 微博 微信 手机 客户端 "
    "资料图 图源 网络 国际 国内 社会 财经 科技 体育 娱乐 军事 汽车 房产 健康 教育 旅游 文化 "
    "時間 發佈 新聞 圖片 評論 分享 關閉 打印 編輯 記者 來源 作者 綜合 整理 報導 報道 通訊員 實習生 "
    "am pm AM PM 国内新闻 国际新闻 社会新闻 娱乐新闻 体育新闻 财经新闻 科技新闻 军事新闻 滚动新闻 "
    "新闻中心 图片新闻 今日新闻 本地新闻 热点新闻 最新新闻 國內新聞 國際新聞 社會新聞 娛樂新聞 "
    "體育新聞 財經新聞 科技新聞 新聞中心 即時新聞 "
    "参与互动 參與互動 我来说两句 我來說兩句 手机看新闻 打印本页 复制地址 "
    "本段 本文 全文 此文 原文 文章 name email "
    "本版 专栏 專欄 本报讯 本報訊 本网讯 本網訊 本站讯 综述 評論員 评论员 特约 特約 "
    "文字 大小 字體 字体 我要评论 我要評論 更多文章 即时播报 即時播報 "
    # status words a page brackets after a name: `李四（实习）`
    "实习 實習 见习 見習 实习生 實習生 特约记者 特約記者 兼职 兼職"
).split())
# Endings a person's name may share (`刘会`): an organisation only when no name fits.
_WEAK_ORG_ENDINGS = ("号", "號", "部", "局", "院", "会", "會", "馆", "館", "厅", "廳", "所",
                     "处", "處", "办", "辦", "委", "组", "組")
_ORG_ENDINGS = (
    "报", "報", "网", "網", "社", "刊", "台", "站", "中心", "频道", "頻道", "新闻",
    "新聞", "日报", "晚报", "时报", "周刊", "杂志", "雜誌", "观察", "觀察", "科技", "财经", "財經",
    "传媒", "傳媒", "在线", "在線", "集团", "集團", "公司", "之家", "视窗", "视点", "资讯", "資訊",
    "电视", "電視", "广播", "廣播", "医院", "醫院", "大学", "大學", "政府", "协会", "協會", "学会",
    "支部", "党委", "黨委", "工作室", "研究院", "客户端", "头条", "頭條", "快报", "快報", "商报",
    "商報", "早报", "早報", "消息", "参考", "參考", "文摘", "导报", "導報", "视频", "視頻", "之声",
    "之聲", "联播", "聯播", "通讯社", "通訊社",
)
# Outlets known by an abbreviation that does not end like one.
_KNOWN_OUTLETS = frozenset(
    "新华社 中新社 中新网 中央社 法新社 路透社 美联社 共同社 韩联社 塔斯社 彭博 央视 央广 总台 "
    "新華社 中新網 美聯社 韓聯社 路透 彭博社 澎湃 界面 财新 財新 虎嗅 钛媒体 鈦媒體 36氪 "
    "IT之家 cnBeta 新浪 网易 搜狐 腾讯 凤凰 網易 搜狐 騰訊 鳳凰 人民网 新华网 环球网 中国网 "
    "Reuters AP AFP Bloomberg Xinhua".split()
)
_PLACES_SIMPLIFIED = (
    "北京 上海 天津 重庆 香港 澳门 台北 台中 台南 高雄 新北 桃园 嘉义 新竹 "
    "基隆 花莲 台东 屏东 宜兰 "
    "广州 深圳 杭州 南京 武汉 成都 西安 长沙 郑州 济南 沈阳 哈尔滨 长春 石家庄 太原 呼和浩特 兰州 "
    "西宁 银川 乌鲁木齐 拉萨 昆明 贵阳 南宁 海口 三亚 福州 厦门 南昌 合肥 青岛 大连 宁波 苏州 无锡 "
    "珠海 东莞 佛山 温州 烟台 洛阳 桂林 延安 保定 唐山 秦皇岛 江门 庆阳 天水 酒泉 琼海 "
    "华盛顿 纽约 东京 伦敦 巴黎 柏林 莫斯科 首尔 日内瓦 布鲁塞尔 联合国 洛杉矶 旧金山 新加坡 曼谷 "
    "悉尼 罗马 维也纳 开罗 新德里 雅加达 河内 马尼拉 吉隆坡 渥太华 多伦多 圣保罗 约翰内斯堡"
).split()
_PLACES_TRADITIONAL = (
    "臺北 臺中 臺南 桃園 嘉義 花蓮 臺東 屏東 宜蘭 廣州 杭州 南京 武漢 長沙 鄭州 瀋陽 哈爾濱 長春 "
    "蘭州 西寧 銀川 烏魯木齊 崑明 貴陽 廈門 無錫 東莞 溫州 煙台 洛陽 華盛頓 紐約 東京 倫敦 巴黎 "
    "莫斯科 首爾 日內瓦 布魯塞爾 聯合國 洛杉磯 舊金山 新加坡 曼谷 悉尼 羅馬 維也納 開羅 新德里 "
    "重慶 澳門 香港 蘇州 寧波 青島 大連 合肥 南昌 福州 海口 南寧 昆明 拉薩 太原 濟南 西安 成都"
).split()
PLACES = frozenset(_PLACES_SIMPLIFIED) | frozenset(_PLACES_TRADITIONAL)
"""Cities that datelines name (`北京1月5日电`, `台北報導`), both scripts."""
_PLACE_TAIL = re.compile("(?:" + "|".join(sorted(PLACES, key=len, reverse=True)) + ")$")
_PHRASE = re.compile(
    r"[的了此看过這那其该該更]|以下|以上|相关|相關|更多|手机|手機|网友|網友|首页|首頁")
# A name never opens with a role word: `作者一覽`, `编辑首推`, `记者会` are phrases.
_ROLE_WORD = re.compile(r"作者|编辑|編輯|记者|記者|责编|責編|来源|來源")
_UI_MARKS = re.compile(r"[【】\[\]<>《》|｜@#:：=+*{}]|\d{3,}|https?:|www\.|\.(?:com|cn|net|org)\b",
                       re.IGNORECASE)
_DATE_LIKE = re.compile(
    r"\d{1,4}\s*[-/.年月日]\s*\d|\d{1,2}:\d{2}|\d+\s*(?:秒|分钟|分鐘|小时|小時|天|周|週|个月|個月|月|年)前"
    r"|^(?:週|周|星期|礼拜|禮拜)[一二三四五六日天]$|^(?:上午|下午|凌晨|晚间|晚間|晚上|中午|早上)$")
_LATIN_NAME = re.compile(r"[A-Z][a-zà-ÿ'’.-]+(?:[ -][A-Z][a-zà-ÿ'’.-]*){1,3}")
_HANDLE = re.compile(r"[\w\u00b7·.-]{2,20}")
# A newsroom's staff code: `AP0018`, `NB12556`; the only name some editor lines give.
_STAFF_CODE = re.compile(r"[A-Za-z]{1,4}[-_]?\d{2,8}")
# A staff code or a number glued after a name: `张三_NB12556`, `李四2`.
_CODE_AFTER_NAME = re.compile(rf"(?<=[{HAN}])\s*[-_]?[A-Za-z]{{0,4}}\d{{1,8}}$")


class Kind(Enum):
    """What a string in a byline slot is."""

    PERSON = "person"
    """A person's name: a family name and one to three more Han characters, or a Latin name."""
    HANDLE = "handle"
    """A pen name or user handle (`无忌`, `GameForce`): a person only in a labelled slot."""
    OUTLET = "outlet"
    """An organisation: a paper, site, agency, department."""
    JUNK = "junk"
    """Neither: an interface word, a number, a date, a URL, a sentence."""


def squeeze(text: str) -> str:
    """NFKC, whitespace removed between Han characters, trimmed."""
    text = unicodedata.normalize("NFKC", text).strip(" \u3000-—·•/|｜:：,，;；、")
    return re.sub(rf"(?<=[{HAN}])\s+(?=[{HAN}])", "", text)


COMMON_WORD_FREQUENCY = 50
"""A string this frequent in jieba's dictionary, as anything but a person's name (``nr``),
is a word (`商城`, `毕竟`, `全部`), however much it opens like a family name."""


@functools.cache
def _common_words() -> frozenset[str]:
    """Two- and three-character words of jieba's dictionary that are not person names.

    Reading the dictionary (350,000 lines) costs ~0.25 s, most of a one-off ``ainews
    extract``: the words are kept in a cache file (a few ms to read) named for the
    dictionary's size and time, so a new jieba makes a new one.
    """
    try:
        source = importlib.resources.files("jieba").joinpath("dict.txt")
        with importlib.resources.as_file(source) as path:
            stat = path.stat()
            cache = _cache_folder() / (f"common-words-{stat.st_size}-{int(stat.st_mtime)}-"
                                       f"{COMMON_WORD_FREQUENCY}.txt")
            with contextlib.suppress(OSError, UnicodeDecodeError):
                return frozenset(cache.read_text(encoding="utf-8").split("\n"))
            words = _read_common_words(path)
    except (ModuleNotFoundError, FileNotFoundError, ValueError):
        return frozenset()
    with contextlib.suppress(OSError):  # no cache where nothing may be written
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f".{cache.name}.{os.getpid()}")
        partial.write_text("\n".join(sorted(words)), encoding="utf-8")
        partial.replace(cache)
    return words


def _cache_folder() -> Path:
    """Where derived data is cached: ``$XDG_CACHE_HOME/ainews`` (``~/.cache/ainews``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ainews"


def _read_common_words(path: Path) -> frozenset[str]:
    words = set()
    with path.open("r", encoding="utf-8") as lines:
        for line in lines:
            word, _, rest = line.partition(" ")
            if not 2 <= len(word) <= 3:
                continue
            frequency, _, tag = rest.partition(" ")
            if not tag.startswith("nr") and int(frequency) >= COMMON_WORD_FREQUENCY:
                words.add(word)
    return frozenset(words)


def is_common_word(text: str) -> bool:
    """Whether ``text`` is a common Chinese word rather than a name (jieba's dictionary)."""
    return text in _common_words()


def is_han_name(name: str) -> bool:
    """A Chinese personal name: a known family name and one or two (three after a compound
    family name) further characters."""
    if not re.fullmatch(rf"[{HAN}]{{2,4}}", name):
        return False
    if name[:2] in COMPOUND_SURNAMES:
        return len(name) in (3, 4)
    return name[0] in SURNAMES and len(name) <= 3


def classify(text: str, *, site_names: tuple[str, ...] = ()) -> Kind:
    """Tell what ``text`` is when it stands in a byline slot.

    ``site_names`` are the site's own names (normalised): a slot naming the site is its
    source at most, never an author.
    """
    name = squeeze(text)
    if len(name) >= 3 and name[-1] in "讯訊" and name[:-1].endswith(_ORG_ENDINGS):
        name = name[:-1]  # `大江网讯`: the outlet's dateline word
    if (len(name) < 2 or len(name) > 30 or name in PLACES or name in _NOT_NAMES
            or name.casefold() in _NOT_NAMES):
        return Kind.JUNK
    if _DATE_LIKE.search(name) or re.fullmatch(r"[\d\W_]+", name) or _ROLE_WORD.match(name):
        return Kind.JUNK
    folded = fold(name)
    if folded and any(folded == s or (len(s) >= 3 and s in folded) for s in site_names):
        return Kind.OUTLET
    if name in _KNOWN_OUTLETS:
        return Kind.OUTLET
    if name.endswith(_ORG_ENDINGS) and len(name) >= 2:
        # `过此新闻`, `手机看新闻`: a phrase that happens to end like a paper's name.
        return Kind.JUNK if _PHRASE.search(name) else Kind.OUTLET
    if name.endswith(_WEAK_ORG_ENDINGS) and len(name) >= 2 and not is_han_name(name):
        return Kind.OUTLET
    if _STAFF_CODE.fullmatch(name):
        return Kind.HANDLE
    if _UI_MARKS.search(name):
        return Kind.JUNK
    if is_han_name(name):
        return Kind.HANDLE if is_common_word(name) else Kind.PERSON
    if has_han(name):
        # Han text that is no name: a pen name when short, a phrase when long.
        if len(name) <= 5 and re.fullmatch(rf"[{HAN}·]+", name):
            return Kind.HANDLE
        # Self-media accounts mix scripts: `科技边角料Pro`, `AI观察员`.
        mixed = len(name) <= 12 and re.fullmatch(rf"[{HAN}A-Za-z0-9·_-]+", name)
        return Kind.HANDLE if mixed and re.search("[A-Za-z0-9]", name) else Kind.JUNK
    if _LATIN_NAME.fullmatch(name):
        return Kind.PERSON
    if _HANDLE.fullmatch(name) and re.search(r"[A-Za-z]", name):
        return Kind.HANDLE
    return Kind.JUNK


def strip_code(name: str) -> str:
    """``name`` without a staff code or number glued after it (`张三_NB12556` → `张三`)."""
    return _CODE_AFTER_NAME.sub("", name)


_OUTLET_SLOT_NAME = re.compile(rf"[{HAN}A-Za-z0-9·&]{{3,16}}")


def is_slot_outlet(text: str) -> bool:
    """Whether ``text``, standing in an outlet's slot (after `来源：`), can be the outlet's name
    however it ends (`示例日报网络版`, `某某观察家`): a short run of name characters, no phrase,
    date or interface word."""
    name = squeeze(text)
    return (_OUTLET_SLOT_NAME.fullmatch(name) is not None and name not in _NOT_NAMES
            and name not in PLACES and not _DATE_LIKE.search(name)
            and not _PHRASE.search(name) and not _ROLE_WORD.search(name)
            and not re.fullmatch(r"[\d\W_]+", name))


def _surname_weight(name: str) -> float:
    if name[:2] in COMPOUND_SURNAMES:
        return 1.0
    if name[0] in COMMON_SURNAMES:
        return 1.0
    return 0.6 if name[0] in SURNAMES else 0.0


def strip_place(run: str) -> str:
    """``run`` without a city name at its end (`張三台北` → `張三`)."""
    place = _PLACE_TAIL.search(run)
    return run[: place.start()] if place and place.start() >= 2 else run


def split_glued_names(run: str) -> list[str]:
    """Split Han names written without separators (`谭飞王艳明闫鹃`) by their family names.

    The split covers the longest prefix of ``run`` made of names, preferring common family
    names and three-character names; what is left at the end (a place: `台北`) is dropped.
    Returns ``[run]`` when no split into two or more names exists.
    """
    place = _PLACE_TAIL.search(run)
    if place and place.start() >= 2:
        run = run[: place.start()]  # `張三台北`: the name, then the place it was filed from
    n = len(run)
    if n < 4 or not re.fullmatch(rf"[{HAN}]+", run):
        return [run]
    # best[i]: (score, names) of the best segmentation of run[:i] into names
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        current = best[i]
        if current is None:
            continue
        for size in (2, 3, 4):
            piece = run[i : i + size]
            if len(piece) < size or not is_han_name(piece):
                continue
            score = current[0] + _surname_weight(piece) + (0.2 if size == 3 else 0.0)
            entry = best[i + size]
            if entry is None or score > entry[0]:
                best[i + size] = (score, [*current[1], piece])
    # The longest covered prefix; a tail of at most three characters may be a place name.
    found = best[n]
    return found[1] if found is not None and len(found[1]) >= 2 else [run]
