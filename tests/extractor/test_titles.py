"""The headline rules of ``extractor.titles.choose_title``: what the site calls itself is cut."""

from __future__ import annotations

import pytest

from extractor.titles import choose_title, site_names


def test_a_declared_site_name_with_a_tagline_still_names_the_suffix():
    title = "Moving to a Plant-Based Diet: Tips for Beginners - Eat Your Greens with Dr. Black"
    chosen = choose_title(
        title, ["Moving to a Plant-Based Diet: Tips for Beginners"], og_title=title,
        site_name="Eat Your Greens with Dr. Black - From nutrition to everyday habits",
    )
    assert chosen == "Moving to a Plant-Based Diet: Tips for Beginners"


def test_a_section_after_a_pipe_in_the_heading_is_cut():
    headline = "How meditation rewires brains and improves physical health"
    chosen = choose_title("Another title | Opinion", [f"{headline} | Opinion"],
                          og_title=f"{headline} | Opinion")
    assert chosen == headline


@pytest.mark.parametrize(
    ("title", "heading", "url", "expected"),
    [
        # A site name longer than the headline, known by the host.
        ("Learn More: Academic Tutoring | The Partnership for Student Success",
         "Learn More: Academic Tutoring", "https://www.partnershipstudentsuccess.org/tutoring/",
         "Learn More: Academic Tutoring"),
        # A headline of four words or more opening the title wins over a longer tail.
        ("How Much is Pet Insurance | 2025 Pet Insurance Cost Guide for Dogs & Cats",
         "How Much is Pet Insurance?", "https://www.embracepetinsurance.com/research/cost",
         "How Much is Pet Insurance?"),
        # A permalink mark is not part of the headline.
        ("Evolve: Shared Mutable History — evolve extension for Mercurial",
         "Evolve: Shared Mutable History¶", None, "Evolve: Shared Mutable History"),
    ],
)
def test_the_heading_agreeing_with_the_title_is_the_headline(title, heading, url, expected):
    assert choose_title(title, [heading], url=url) == expected


def test_a_site_name_that_is_the_page_title_is_ignored():
    title = "How to Design a Website: a Complete Guide for 2026 | Clay"
    chosen = choose_title(title, ["How to Design a Website: a Complete Guide for 2026"],
                          og_title=title, site_name=title)
    assert chosen == "How to Design a Website: a Complete Guide for 2026"


def test_the_logo_heading_is_still_not_the_headline():
    chosen = choose_title("Model X tops the leaderboard | Example News",
                          ["Example News", "Model X tops the leaderboard"],
                          url="https://www.examplenews.com/a/1")
    assert chosen == "Model X tops the leaderboard"


def test_site_names_come_from_the_declared_name_and_the_host():
    assert site_names("Eat Your Greens - a tagline", "https://news.eatyourgreens.co.uk/x") == (
        "eatyourgreensatagline", "eatyourgreens")


def test_a_line_break_in_a_heading_is_a_space():
    from extractor import html_meta

    tree = html_meta.parse_html("<html><body><h1>Top MBA Programs<br>Your Guide</h1></body></html>")
    assert html_meta.headings(tree) == ["Top MBA Programs Your Guide"]


def test_a_headline_ending_in_a_hash_keeps_it():
    assert choose_title("Learning C# | Dev Blog", ["Learning C#"]) == "Learning C#"


def test_a_kicker_before_the_declared_headline_is_cut():
    headline = "Autohäuser rechnen mit langsamem Anlaufen des Geschäfts"
    chosen = choose_title(f"{headline} | Zeitung", [f"Nach Corona-Lockerungen {headline}"])
    assert chosen == headline


def test_a_site_suffix_after_fullwidth_punctuation_is_cut():
    chosen = choose_title("武汉的声音：有英勇的你，才有英雄的城！-新华网", [])
    assert chosen == "武汉的声音：有英勇的你，才有英雄的城！"


@pytest.mark.parametrize(("heading", "title_tag", "expected"), [
    # A bracketed kicker the declared title does not carry is not part of the headline, even
    # when the declared title has more after it than the site's name.
    ("【独家】芯片公司完成新一轮融资", "芯片公司完成新一轮融资 深圳_财经频道_示例网",
     "芯片公司完成新一轮融资"),
    ("[视频] 机器人走进社区养老院", "机器人走进社区养老院-示例新闻", "机器人走进社区养老院"),
    # When the declared title carries it too, the kicker is the page's own wording: kept.
    ("【快讯】算力租赁价格下调", "【快讯】算力租赁价格下调_示例网", "【快讯】算力租赁价格下调"),
])
def test_a_kicker_only_the_heading_carries_is_cut(heading, title_tag, expected):
    assert choose_title(title_tag, [heading]) == expected


def test_titles_that_only_name_the_site_give_way_to_the_line_the_description_repeats():
    lines = ["首頁", "生活財經", "中市農會 推廣在地冬季蔬果", "今天上午，農會在市場舉辦試吃活動。"]
    chosen = choose_title("示例電視台 新聞網", [], og_title="示例新聞網", site_name="示例新聞網",
                          description="中市農會 推廣在地冬季蔬果", lines=lines)
    assert chosen == "中市農會 推廣在地冬季蔬果"
    # a real headline declared: the description's line is not consulted
    assert choose_title("農會推廣冬季蔬果_示例新聞網", [], site_name="示例新聞網",
                        description="中市農會 推廣在地冬季蔬果", lines=lines) == "農會推廣冬季蔬果"


def test_a_lesser_heading_that_reads_as_the_declared_title_is_the_headline_shown():
    chosen = choose_title("内蒙古确保春节前工资无拖欠_要闻_示例网", [],
                          minor_headings=["热点推荐", "内蒙古6部门：确保春节前工资无拖欠"])
    assert chosen == "内蒙古6部门：确保春节前工资无拖欠"
    unrelated = choose_title("内蒙古确保春节前工资无拖欠_要闻_示例网", [],
                             minor_headings=["热点推荐", "包头举办冰雪节"])
    assert unrelated == "内蒙古确保春节前工资无拖欠"
