"""Authors, editors and sources chosen from scored credits, on small pages of each layout."""

from __future__ import annotations

import pytest

from extractor import ExtractOptions, extract_article
from extractor.bylines import parse_byline
from tests.conftest import NOW

PROSE = ("今年以来，当地持续推进人工智能技术在制造业中的应用，多家企业完成了生产线改造，"
         "效率明显提升。业内人士认为，这一趋势还将延续。")


def page(*, title="县域工厂引入大模型质检系统", header=(), paragraphs=(), after=(), before=(),
         meta=""):
    """A news page: navigation, the headline, meta lines, the article, then what follows."""
    def divs(lines):
        return "".join(f"<div>{line}</div>" for line in lines)

    body = "".join(f"<p>{p}</p>" for p in paragraphs or (PROSE, PROSE[::-1], PROSE))
    return (f"<html><head><meta charset='utf-8'><title>{title}_示例网</title>{meta}</head><body>"
            f"<div class='nav'>{divs(before)}</div><h1>{title}</h1>{divs(header)}"
            f"<div class='content'>{body}</div>{divs(after)}</body></html>").encode()


def people(html):
    article = extract_article(html, "https://news.example.cn/a/1.html",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    return list(article.authors), list(article.editors), article.source


@pytest.mark.parametrize(
    ("layout", "authors", "editors", "source"),
    [
        # a meta line under the headline
        ({"header": ["2024-11-08 10:32 来源：示例日报 作者：周明远"]}, ["周明远"], [], "示例日报"),
        # a dateline opening the body, its credit in brackets
        ({"paragraphs": ["新华社北京1月5日电（记者 刘军涛 王小明）" + PROSE, PROSE]},
         ["刘军涛", "王小明"], [], "新华社"),
        ({"paragraphs": ["湖南日报12月15日讯(记者柳德新通讯员彭娟)" + PROSE, PROSE]},
         ["柳德新", "彭娟"], [], "湖南日报"),
        ({"paragraphs": ["【台灣醒報記者潘姿羽台北報導】" + PROSE, PROSE]}, ["潘姿羽"], [],
         "台灣醒報"),
        # credits closing the article: a bracket, a bare name after the last sentence
        ({"paragraphs": [PROSE, PROSE + "（忆松）"]}, ["忆松"], [], None),
        ({"paragraphs": [PROSE, PROSE + "（记者 林若川 实习生 高小娟）"]}, ["林若川", "高小娟"], [],
         None),
        ({"paragraphs": [PROSE, PROSE + " 黃千容 賴世杰 台中"]}, ["黃千容", "賴世杰"], [], None),
        # an outlet known by its slot, however it ends
        ({"paragraphs": ["《华夏经济报》专讯 " + PROSE, PROSE]}, [], [], "华夏经济报"),
        ({"header": ["2024-11-08 来源：示例日报网络版"]}, [], [], "示例日报网络版"),
        ({"paragraphs": ["〔北方通讯社〕" + PROSE, PROSE]}, [], [], "北方通讯社"),
        # an outlet a dateline and a 来源 line both name beats one a sentence cites
        ({"paragraphs": ["华北新闻网5月13日讯 据某市人民政府网站消息，" + PROSE,
                         *(f"第{i}段。" + PROSE for i in range(6))],
          "after": ["来源：华北新闻网"]}, [], [], "华北新闻网"),
        # the prose's closing bracket, when headlines the body kept follow it
        ({"paragraphs": [PROSE, PROSE + "(示例财经网/邵晨阳)", "工厂的质检员去哪了？",
                         "算力租赁价格连跌三月 ...", "县城里的模型公司", "机器人走进养老院？"]},
         ["邵晨阳"], [], "示例财经网"),
        # a photographer and an editor are not authors
        ({"paragraphs": [PROSE, "（本报记者 郭立亮 摄）", PROSE],
          "after": ["（责任编辑：王泓漓）"]}, [], ["王泓漓"], None),
        # the editor's line well below the article, after comments and related links
        ({"paragraphs": [PROSE, PROSE + "（李学刚）"],
          "after": [f"相关阅读{i}：另一篇文章的标题在这里" for i in range(12)]
          + ["[责任编辑：guruzhang]"]}, ["李学刚"], ["guruzhang"], None),
    ],
)
def test_credit_layouts(layout, authors, editors, source):
    assert people(page(**layout)) == (authors, editors, source)


def test_a_sidebar_above_the_article_credits_nobody():
    html = page(before=["专栏作者 龚善斌", "•責任編輯：楊玲", *(f"栏目{i}" for i in range(6))],
                paragraphs=[PROSE, PROSE + "（记者 张帆）"])
    assert people(html) == (["张帆"], [], None)


def test_navigation_words_that_open_with_a_family_name_are_no_authors():
    # 商城, 高清, 全部 open with family names; jieba's dictionary knows them as words.
    html = page(header=["商城", "高清", "全部", "2012年01月11日15:33 来源：人民网"])
    assert people(html) == ([], [], "人民网")


def test_the_markup_author_is_a_fallback_and_never_overrides_the_page():
    meta = "<meta name='author' content='申文峰'>"
    assert people(page(meta=meta, paragraphs=[PROSE, PROSE + "（记者 梁沅）"]))[0] == ["梁沅"]
    assert people(page(meta="<meta name='author' content='正北方网'>"))[0] == []


def test_a_site_naming_itself_in_its_menu_is_no_source():
    assert people(page(header=["示例网 | 新闻 | 地方 | 评论"]))[2] is None


def test_forum_replies_do_not_credit_the_thread():
    html = page(header=["算力搬运工 发表于 2024-3-10 09:12"],
                after=["青柠檬 发表于 2024-3-10 10:00", "感谢分享", "老猫 发表于 2024-3-11 08:00"])
    assert people(html)[0] == ["算力搬运工"]


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By John Smith", ["John Smith"]),
        ("By César Salza", ["César Salza"]),
        ("Text von Christian Seiler Illustration von Markus Roost", ["Christian Seiler"]),
        ("Ein Artikel von Pamela Sladky | 27.01.2022 - 12:45", ["Pamela Sladky"]),
        ("Von R. R. am 26. Februar 2014", ["R. R."]),
        ("06.11.2023 13:30 von Olga", ["Olga"]),
        ("Por Steven Lee Myers, Keith Bradsher y Tariq Panja",
         ["Steven Lee Myers", "Keith Bradsher", "Tariq Panja"]),
        ("By Ines Halvorsen and Tomas Reyes", ["Ines Halvorsen", "Tomas Reyes"]),
        ("By Ines Halvorsen, Tomas Reyes and Ada Lindqvist",
         ["Ines Halvorsen", "Tomas Reyes", "Ada Lindqvist"]),
        # a comma without a closing `and` leads to a credential or a job title
        ("By Ines Halvorsen, MD", ["Ines Halvorsen"]),
        ("By Tomas Reyes, Senior Correspondent", ["Tomas Reyes"]),
        ("Par Sébastien Farcis", ["Sébastien Farcis"]),
        ("von Künstlern, Bands, DJs,", []),
        ("Die Rede von Bundespräsident Johannes Rau beim Konvent", []),
    ],
)
def test_latin_bylines(line, authors):
    assert parse_byline([line]).authors == authors


def test_a_name_opening_a_meta_line_with_a_slashed_date_is_the_author():
    from extractor import ExtractOptions, extract_article

    paragraphs = "".join(
        f"<p>第{n}段:研究团队比较了多种训练方案,公开了评测结果和复现代码,业内认为这会降低门槛。</p>"
        for n in range(1, 6))
    html = ("<html><head><meta charset='utf-8'><title>新模型发布_智能周刊</title></head><body>"
            "<div>智能周刊 关于</div><h1>新模型发布</h1>"
            "<div class='meta'>硅基君 · 2024/03/01 08:37</div>"
            f"<div class='text'>{paragraphs}</div></body></html>")
    extracted = extract_article(html, "https://example.com/?p=101", ExtractOptions())
    assert extracted is not None and list(extracted.authors) == ["硅基君"]


LATIN_PROSE = ("The county council voted on Tuesday to fund a pilot that puts language models to "
               "work in its planning office, after a year of trials in two smaller towns. ")


def latin_page(*, header="", meta="", cards=()):
    """An English article page: headline, an optional byline, prose, then teaser cards."""
    card_html = "".join(
        f"<li><a href='/other/{i}'><h4>{headline}</h4><span>{byline}</span></a></li>"
        for i, (headline, byline) in enumerate(cards))
    return (f"<html lang='en'><head><meta charset='utf-8'><title>Council funds AI pilot</title>"
            f"{meta}</head><body><h1>Council funds AI pilot</h1><p>{header}</p>"
            f"<article>{''.join(f'<p>{LATIN_PROSE * 3}</p>' for _ in range(4))}</article>"
            f"<ul class='more'>{card_html}</ul></body></html>").encode()


def test_a_teaser_cards_byline_credits_nobody_here():
    cards = [("Why planning offices are short of staff, and what towns try", "von Petra Alvang"),
             ("Three towns, one model: the trial in numbers so far", "By Oskar Brenning")]
    html = latin_page(meta="<meta name='author' content='Ines Halvorsen'>", cards=cards)
    assert people(html)[0] == ["Ines Halvorsen"]
    assert people(latin_page(cards=cards))[0] == []


def test_co_authors_the_markup_declares_complete_a_byline_that_names_one():
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "author": ['
          '{"@type": "Person", "name": "Ines Halvorsen"}, '
          '{"@type": "Person", "name": "Tomas Reyes"}]}</script>')
    assert people(latin_page(header="By Ines Halvorsen", meta=ld))[0] == [
        "Ines Halvorsen", "Tomas Reyes"]


def test_creator_meta_is_an_author_and_a_social_account_is_not():
    assert people(latin_page(meta="<meta name='dc.creator' content='Ada Lindqvist'>"))[0] == [
        "Ada Lindqvist"]
    assert people(latin_page(meta="<meta name='twitter:creator' content='@councilnews'>"))[0] \
        == []


def test_a_name_linked_to_its_author_page_is_a_writer_wherever_it_stands():
    share = ["新浪微博", "腾讯微博", "分享"]  # short lines around the headline: a menu
    html = page(header=[*share, "示例财经网 <a href='https://author.example.cn/shaochenyang'>邵晨阳"
                        "</a> 2024-11-08 10:32"])
    assert people(html)[0] == ["邵晨阳"]
    plain = page(header=[*share, "示例财经网 <a href='/news/list'>邵晨阳</a> 2024-11-08 10:32"])
    assert people(plain)[0] == []


def test_a_latin_page_falls_back_to_a_link_to_the_authors_page():
    html = latin_page(header="<a href='/author/ines-halvorsen/'>Ines Halvorsen</a>")
    assert people(html)[0] == ["Ines Halvorsen"]
