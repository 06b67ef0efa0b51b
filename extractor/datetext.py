"""Publish dates as Chinese news pages print them: absolute, Chinese, partial and relative."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(\d{1,4}|[〇零一二两三四五六七八九十]{1,4})"


def chinese_number(token: str) -> int:
    """Convert ``12``, ``十二``, ``二十``, ``二〇二四`` or ``三`` to an int."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, units = token.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    value = 0
    for char in token:
        value = value * 10 + _CN_DIGITS[char]
    return value


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in text: the instant in UTC and the string it was read from."""

    value: datetime
    raw: str
    start: int


_Builder = Callable[["re.Match[str]", datetime], datetime | None]


def _local(now: datetime, year: int, month: int, day: int, hour: int = 0, minute: int = 0,
           second: int = 0) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=now.tzinfo)
    except ValueError:
        return None


def _int(match: re.Match[str], group: int, default: int = 0) -> int:
    value = match.group(group)
    return chinese_number(value) if value else default


def _absolute(m: re.Match[str], now: datetime) -> datetime | None:
    return _local(now, _int(m, 1), _int(m, 2), _int(m, 3), _int(m, 4), _int(m, 5), _int(m, 6))


def _month_day_year(m: re.Match[str], now: datetime) -> datetime | None:
    first, second, year = _int(m, 1), _int(m, 2), _int(m, 3)
    if first <= 12 and second <= 12:
        return None  # 06/02/2022: June or February? Only an unambiguous order is read.
    month, day = (first, second) if first <= 12 else (second, first)
    hour = _int(m, 4)
    if m.group(6) and m.group(6).lower() == "pm" and hour < 12:
        hour += 12
    return _local(now, year, month, day, hour, _int(m, 5))


def _month_day(m: re.Match[str], now: datetime) -> datetime | None:
    # No year on the page: take the fetch year, or the year before for a date still to come.
    value = _local(now, now.year, _int(m, 1), _int(m, 2), _int(m, 3), _int(m, 4))
    if value is not None and value > now + timedelta(days=1):
        value = _local(now, now.year - 1, _int(m, 1), _int(m, 2), _int(m, 3), _int(m, 4))
    return value


def _ago(unit: str) -> _Builder:
    def build(m: re.Match[str], now: datetime) -> datetime | None:
        amount = 1 if m.group(1) in ("半", None) else _int(m, 1)
        if m.group(1) == "半":
            return now - {"小时": timedelta(minutes=30), "天": timedelta(hours=12)}.get(
                unit, timedelta(0))
        approx = {
            "秒": timedelta(seconds=amount), "分钟": timedelta(minutes=amount),
            "小时": timedelta(hours=amount), "天": timedelta(days=amount),
            "周": timedelta(weeks=amount), "月": timedelta(days=30 * amount),
            "年": timedelta(days=365 * amount),
        }[unit]
        estimate = now - approx
        if m.lastindex and m.lastindex >= 3 and m.group(2):
            # `8个月前 (04-15)`: the month and day are exact. Themes floor the age, so the date
            # lies between N and N+1 units back: take the year nearest the middle of that span.
            month, day = _int(m, 2), _int(m, 3)
            estimate -= approx / (2 * amount)
            candidates = [_local(now, estimate.year + d, month, day) for d in (-1, 0, 1)]
            valid = [c for c in candidates if c is not None and c <= now]
            return min(valid, key=lambda c: abs(c - estimate)) if valid else None
        return estimate
    return build


def _day_offset(days: int) -> _Builder:
    def build(m: re.Match[str], now: datetime) -> datetime | None:
        day = now - timedelta(days=days)
        return _local(now, day.year, day.month, day.day, _int(m, 1), _int(m, 2))
    return build


_SEP = r"\s*[-/.]\s*"
_TIME = r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
_PATTERNS: tuple[tuple[re.Pattern[str], _Builder], ...] = (
    (re.compile(r"(?<!\d)(\d{4})" + _SEP + r"(\d{1,2})" + _SEP + r"(\d{1,2})(?!\d)" + _TIME),
     _absolute),
    (re.compile(r"(?<!\d)(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*" + _NUM + r"\s*月\s*" + _NUM
                + r"\s*[日号]" + _TIME), _absolute),
    # Day and month in either order (`9/17/2004 5:54:13 AM`), when the numbers tell which.
    (re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])(?:\s+(\d{1,2}):(\d{2})"
                r"(?::\d{2})?\s*([AaPp][Mm])?)?"), _month_day_year),
    (re.compile(r"(?<![\d年])" + _NUM + r"\s*月\s*" + _NUM + r"\s*[日号]" + _TIME), _month_day),
    (re.compile(r"(?<![\d-])(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})(?![\d-])"), _month_day),
    (re.compile(r"刚刚|刚才"), lambda m, now: now),
    (re.compile(r"(\d+|[一二两三四五六七八九十]+|半)\s*秒(?:钟|鐘)?前"), _ago("秒")),
    (re.compile(r"(\d+|[一二两三四五六七八九十]+|半)\s*(?:分钟|分鐘)前"), _ago("分钟")),
    (re.compile(r"(\d+|[一二两三四五六七八九十]+|半)\s*(?:个|個)?(?:小时|小時)前"), _ago("小时")),
    (re.compile(r"(\d+|[一二两三四五六七八九十]+|半)\s*天前"), _ago("天")),
    (re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*(?:个)?(?:周|星期)前"), _ago("周")),
    (re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*个?月前(?:\s*[(（]\s*(\d{1,2})-(\d{1,2})\s*[)）])?"),
     _ago("月")),
    (re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*年前(?:\s*[(（]\s*(\d{1,2})-(\d{1,2})\s*[)）])?"),
     _ago("年")),
    (re.compile(r"今天\s*(\d{1,2})[:：](\d{2})"), _day_offset(0)),
    (re.compile(r"昨天\s*(?:(\d{1,2})[:：](\d{2}))?"), _day_offset(1)),
    (re.compile(r"前天\s*(?:(\d{1,2})[:：](\d{2}))?"), _day_offset(2)),
)


# Builders that need to know "now": relative dates and dates printed without a year.
_NEEDS_NOW = frozenset(range(3, len(_PATTERNS)))
_NO_CLOCK = datetime(2200, 1, 1, tzinfo=UTC)
"""Stands in for the fetch time when none is known: absolute dates only, no upper bound."""


def find_dates(text: str, *, now: datetime | None,
               tz: str) -> list[FoundDate]:
    """Every plausible date in ``text``, in order of position, as UTC instants.

    Without ``now`` only dates printed with their year are read.
    """
    zone = ZoneInfo(tz)
    local_now = (now or _NO_CLOCK).astimezone(zone)
    found: list[FoundDate] = []
    taken: list[range] = []
    for index, (pattern, build) in enumerate(_PATTERNS):
        if now is None and index in _NEEDS_NOW:
            continue
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            value = build(match, local_now)
            if value is None or not _plausible(value, local_now):
                continue
            taken.append(range(match.start(), match.end()))
            found.append(FoundDate(value.astimezone(UTC), match.group(0).strip(),
                                   match.start()))
    return sorted(found, key=lambda d: d.start)


_YEAR_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")


def parse_year_month(text: str, *, now: datetime | None,
                     tz: str) -> FoundDate | None:
    """A month without a day (`1998年3月号`), read as its first day; a last resort."""
    match = _YEAR_MONTH.search(text)
    if not match:
        return None
    local_now = (now or _NO_CLOCK).astimezone(ZoneInfo(tz))
    value = _local(local_now, int(match.group(1)), int(match.group(2)), 1)
    if value is None or not _plausible(value, local_now):
        return None
    return FoundDate(value.astimezone(UTC), match.group(0), match.start())


def parse_date(text: str, *, now: datetime | None,
               tz: str) -> FoundDate | None:
    """The first plausible date in ``text``, or None."""
    dates = find_dates(text, now=now, tz=tz)
    return dates[0] if dates else None


def parse_iso(value: str, *, tz: str,
              now: datetime | None = None) -> datetime | None:
    """Read an ISO 8601 or ``YYYY-MM-DD HH:MM`` string from a meta tag; naive means ``tz``.

    With ``now``, years after next year's are refused (placeholders like 2099-01-01).
    """
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        found = parse_date(value, now=None if now is None else now + timedelta(days=2), tz=tz)
        return found.value if found else None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    if not 1990 <= parsed.year <= (now or _NO_CLOCK).year + 1:
        return None
    return parsed.astimezone(UTC)


def _plausible(value: datetime, now: datetime) -> bool:
    return value.year >= 1990 and value <= now + timedelta(days=1)


_MONTHS = {
    name: number for number, names in enumerate((
        ("january", "januar", "jänner"), ("february", "februar"), ("march", "märz", "maerz"),
        ("april",), ("may", "mai"), ("june", "juni"), ("july", "juli"), ("august",),
        ("september",), ("october", "oktober"), ("november",), ("december", "dezember"),
    ), start=1) for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
# `19. Mai 2010`, `19 May 2010`, `May 19, 2010`
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})\.?\s+({_MONTH_NAMES})\.?\s+((?:19|20)\d{{2}})",
                             re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d{{2}})",
                             re.IGNORECASE)


def parse_month_name_date(text: str, *, now: datetime | None,
                          tz: str = "UTC") -> FoundDate | None:
    """A date with an English or German month name (`19. Mai 2010`, `May 19, 2010`)."""
    local_now = (now or _NO_CLOCK).astimezone(ZoneInfo(tz))
    for pattern, order in ((_DAY_MONTH_YEAR, (1, 2, 3)), (_MONTH_DAY_YEAR, (2, 1, 3))):
        match = pattern.search(text)
        if match is None:
            continue
        day, month, year = (match.group(i) for i in order)
        value = _local(local_now, int(year), _MONTHS[month.lower()], int(day))
        if value is not None and _plausible(value, local_now):
            return FoundDate(value.astimezone(UTC), match.group(0), match.start())
    return None
