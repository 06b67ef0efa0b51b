"""Date forms of Chinese news pages, resolved in Asia/Shanghai and stored as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from extractor.datetext import chinese_number, parse_date, parse_iso

SH = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 29, 20, 0, tzinfo=SH)  # fetch time, Shanghai


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("作者:科技边角料Pro发布时间:2024-11-08", datetime(2024, 11, 8, tzinfo=SH)),
        ("2024/11/08 12:19", datetime(2024, 11, 8, 12, 19, tzinfo=SH)),
        ("2023年02月15日 15:20 来源:光子星球", datetime(2023, 2, 15, 15, 20, tzinfo=SH)),
        ("2024年11月8日", datetime(2024, 11, 8, tzinfo=SH)),
        ("二〇二四年十一月八日", datetime(2024, 11, 8, tzinfo=SH)),
        ("11-08 12:19", datetime(2026, 11, 8, 12, 19, tzinfo=SH)),
        ("12-25 08:00", datetime(2025, 12, 25, 8, 0, tzinfo=SH)),  # not yet this year
        ("刚刚", NOW),
        ("3分钟前", NOW - timedelta(minutes=3)),
        ("3小时前", NOW - timedelta(hours=3)),
        ("三小时前", NOW - timedelta(hours=3)),
        ("昨天 18:20", datetime(2026, 11, 28, 18, 20, tzinfo=SH)),
        ("前天 09:05", datetime(2026, 11, 27, 9, 5, tzinfo=SH)),
        ("3天前", NOW - timedelta(days=3)),
        ("admin 8个月前 (04-15)", datetime(2026, 4, 15, tzinfo=SH)),
        ("1年前 (12-01)", datetime(2024, 12, 1, tzinfo=SH)),  # 1-2 years old
    ],
)
def test_forms(text, expected):
    found = parse_date(text, now=NOW, tz="Asia/Shanghai")
    assert found is not None
    assert found.value == expected.astimezone(UTC)
    assert found.value.tzinfo == UTC
    assert found.raw in text


@pytest.mark.parametrize("text", ["Copyright © 2024 aigcdaily.cn", "阅读(123)", "2099-01-01", ""])
def test_not_a_date(text):
    assert parse_date(text, now=NOW, tz="Asia/Shanghai") is None


def test_relative_dates_count_back_from_the_fetch_time_in_the_site_timezone():
    # 23:30 UTC is already the next day in Shanghai.
    fetched = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
    found = parse_date("昨天 10:00", now=fetched, tz="Asia/Shanghai")
    assert found is not None and found.value == datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    found = parse_date("昨天 10:00", now=fetched, tz="UTC")
    assert found is not None and found.value == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_iso_meta_values():
    noon = datetime(2024, 11, 8, 4, 19, tzinfo=UTC)
    assert parse_iso("2024-11-08T12:19:00+08:00", tz="Asia/Shanghai") == noon
    assert parse_iso("2024-11-08 12:19", tz="Asia/Shanghai") == noon
    assert parse_iso("2024-11-08T04:19:00Z", tz="Asia/Shanghai") == noon
    assert parse_iso("not a date", tz="Asia/Shanghai") is None


@pytest.mark.parametrize(("token", "value"), [("12", 12), ("十二", 12), ("二十", 20), ("三", 3),
                                              ("二〇二四", 2024), ("十", 10)])
def test_chinese_numbers(token, value):
    assert chinese_number(token) == value


@pytest.mark.parametrize("days_old", [30, 95, 200, 364, 365, 400, 553, 700, 729, 800])
def test_relative_month_day_forms_find_the_right_year(days_old):
    from ainews.demo.layouts import relative_date

    published = NOW - timedelta(days=days_old)
    text = relative_date(published, NOW)
    found = parse_date(text, now=NOW, tz="Asia/Shanghai")
    assert found is not None, text
    assert found.value.astimezone(SH).date() == published.date(), text


def test_us_order_and_month_only_forms():
    from extractor.datetext import parse_year_month

    found = parse_date("9/17/2004 5:54:13 PM", now=NOW, tz="Asia/Shanghai")
    assert found is not None
    assert found.value == datetime(2004, 9, 17, 17, 54, tzinfo=SH).astimezone(UTC)
    month = parse_year_month("——《北京之春》1998年3月号", now=NOW, tz="Asia/Shanghai")
    assert month is not None and month.value == datetime(1998, 3, 1, tzinfo=SH)
    assert parse_year_month("2024年11月8日", now=NOW, tz="Asia/Shanghai") is None


def test_month_name_dates_in_german_and_english():
    from extractor.datetext import parse_month_name_date

    now = datetime(2026, 1, 1, tzinfo=UTC)
    found = parse_month_name_date("wurde am 19. Mai 2010 um 23:03 Uhr gepostet", now=now,
                                  tz="Europe/Berlin")
    assert found is not None and found.raw == "19. Mai 2010"
    assert found.value.astimezone(ZoneInfo("Europe/Berlin")).date().isoformat() == "2010-05-19"
    english = parse_month_name_date("Posted on March 3, 2021 by admin", now=now)
    assert english is not None and english.value.date().isoformat() == "2021-03-03"
    assert parse_month_name_date("19 Mai 2099", now=now) is None  # in the future
    assert parse_month_name_date("Mai 2010", now=now) is None
