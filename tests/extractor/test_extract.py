"""extract_article on a page modelled on aigcdaily.cn, on every demo layout, and on bad input."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ainews.demo.site import build_sites
from extractor import ExtractOptions, extract_article
from tests.conftest import BOILERPLATE, NOW

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHANGHAI = ZoneInfo("Asia/Shanghai")



def test_aigcdaily_page():
    html = (FIXTURES / "aigcdaily_article.html").read_bytes()
    article = extract_article(html, "https://www.aigcdaily.cn/news/123.html",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.title == "大模型训练的电费账单,到底有多贵?"
    assert list(article.authors) == ["算力观察室"]
    assert article.published_at == datetime(2024, 11, 8, tzinfo=SHANGHAI)
    assert article.published_raw == "2024-11-08"
    assert article.category == "AI大模型"
    assert list(article.breadcrumbs) == ["首页", "资讯", "AI大模型"]
    assert list(article.tags) == ["大模型", "算力", "数据中心"]
    assert article.lang == "zh"
    lines = article.text.split("\n")
    assert lines[0].startswith("一个常被忽略的问题")
    assert len(lines) == 5, "the paragraph repeated word for word is kept once"
    for word in BOILERPLATE:
        assert word not in article.text


def _demo_cases():
    for site in build_sites(NOW):
        for article in site.articles[:12]:
            yield pytest.param(site, article, id=f"{site.name}-{article.path}")


@pytest.mark.parametrize(("site", "truth"), list(_demo_cases()))
def test_demo_layouts(site, truth):
    body = site.render(truth.path, "http://127.0.0.1:1", now=NOW).body
    article = extract_article(body, "http://127.0.0.1:1" + truth.path,
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.title == truth.title
    assert list(article.authors) == truth.authors
    assert list(article.editors) == truth.editors
    assert article.source == truth.source
    assert article.category == truth.category
    assert list(article.breadcrumbs) == truth.breadcrumbs
    assert list(article.tags) == truth.tags
    expected_day = truth.published_at.astimezone(SHANGHAI).date()
    assert article.published_at is not None
    assert article.published_at.astimezone(SHANGHAI).date() == expected_day
    assert abs(article.published_at - truth.published_at) < timedelta(days=1)
    # Body: every paragraph, each once, nothing else.
    assert article.text.split("\n") == list(dict.fromkeys(truth.paragraphs))
    for word in BOILERPLATE:
        assert word not in article.text


def test_gbk_bytes_without_charset_decode():
    portal = build_sites(NOW)[2]
    truth = portal.articles[0]
    body = portal.render(truth.path, "http://x", now=NOW).body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    article = extract_article(body, "http://x" + truth.path,
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.encoding == "gb18030"
    assert article.title == truth.title
    assert truth.paragraphs[0] in article.text


def test_relative_date_keeps_raw_string():
    wp = build_sites(NOW)[1]
    truth = wp.articles[3]  # three hours old
    body = wp.render(truth.path, "http://x", now=NOW).body
    article = extract_article(body, "http://x" + truth.path,
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.published_raw == "3小时前"
    assert article.published_at == NOW - timedelta(hours=3)


@pytest.mark.parametrize(
    "html",
    [
        b"",
        "   ",
        b"\x00\xff\xfe binary \x89PNG",
        "<html><body><ul><li><a href='/a'>A</a></li><li><a href='/b'>B</a></li></ul></body></html>",
        "<html><body>" + "<div>" * 5000 + "深" + "</div>" * 5000 + "</body></html>",
        "<html><head><title>关于我们</title></head><body><p>联系我们。</p></body></html>",
    ],
    ids=["empty", "blank", "binary", "links-only", "deep-nesting", "stub"],
)
def test_not_an_article(html):
    assert extract_article(html, "http://x/", ExtractOptions(fetched_at=NOW)) is None


def test_copyright_year_is_never_the_publish_date():
    html = (
        "<html><head><title>一篇没有日期的文章</title></head><body><h1>一篇没有日期的文章</h1>"
        + "".join(f"<p>第{i}段,这是一段足够长的正文内容,用来测试日期提取不会误用版权年份。</p>"
                  for i in range(5))
        + "<div class='footer'>Copyright © 2024 example.cn 版权所有</div></body></html>"
    )
    article = extract_article(html, "http://x/a.html",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.published_at is None


def test_xhtml_with_an_xml_declaration_is_read():
    html = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="de"><head><title>Titel</title></head>'
        "<body><h1>Titel</h1>"
        + "".join(f"<p>Absatz {i} mit genug Text, damit es ein Artikel ist.</p>" for i in range(6))
        + "</body></html>"
    )
    article = extract_article(html.encode(), "https://example.de/a.html",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.title == "Titel"
    assert article.lang == "de"


def test_a_declared_modified_date_beats_a_stray_date_line():
    html = (
        '<html><head><meta charset="utf-8"><meta itemprop="dateUpdate" '
        'content="2020-02-14 10:47:36"><title>词条</title></head><body><h1>词条</h1>'
        + "".join(f"<p>这是第{i}段足够长的百科正文,介绍这个词条的来历与相关作品。</p>"
                  for i in range(6))
        + "<table><tr><td>很靠近海</td><td>2012-10-26</td></tr></table></body></html>"
    )
    article = extract_article(html, "https://baike.example.cn/item/1",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.published_raw == "2020-02-14 10:47:36"


def test_gbk_bytes_with_a_broken_byte_and_no_charset_are_still_read_as_gbk():
    portal = build_sites(NOW)[2]
    truth = portal.articles[0]
    body = portal.render(truth.path, "http://x", now=NOW).body
    broken = body.replace(b"</body>", b"\xc7\x20</body>", 1)  # half a character
    with pytest.raises(UnicodeDecodeError):
        broken.decode("gb18030")
    article = extract_article(broken, "http://x" + truth.path,
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.encoding == "gb18030"
    assert truth.paragraphs[0] in article.text


def test_utf8_bytes_with_a_broken_byte_stay_utf8():
    html = ("<html><head><title>Bericht</title></head><body><h1>Bericht</h1>"
            + "<p>Schöne Grüße aus München, wo die Forscher über große Modelle berichten.</p>" * 6
            + "<p>Ein kaputtes Byte: \udcff.</p></body></html>")
    raw = html.encode("utf-8", errors="surrogateescape")
    article = extract_article(raw, "http://x/bericht",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.encoding == "utf-8"
    assert "Schöne Grüße aus München" in article.text


def test_a_page_wrapped_in_a_foreign_root_element_is_still_extracted():
    # What archives and datasets store: the page inside a wrapper trafilatura turns down.
    html = ('<text id="http://bbs.example.cn/forum/thread-221-4487-1.shtml" encoding="gb2312">'
            "<div><h1>论坛里的一篇长帖</h1>" + _paragraphs("帖子正文", 8) + "</div></text>")
    article = extract_article(html.encode("gb18030"), "http://x/t",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert "帖子正文第7段" in article.text


def _paragraphs(prefix: str, count: int) -> str:
    return "".join(
        f"<p>{prefix}第{i}段:这是一段足够长的正文内容,讲述大模型行业本周的新进展与新变化。</p>"
        for i in range(count)
    )


def test_hidden_text_is_not_part_of_the_article():
    # Anti-copy spans of junk inside paragraphs, a hidden dialog, a `hidden` template.
    html = (
        "<html><head><title>可见的文章</title></head><body><h1>可见的文章</h1>"
        + _paragraphs("正文", 6).replace(
            "新进展", "新进<span style='display: none'>藏起来的干扰字符</span>展"
        )
        + "<div style='visibility:hidden'><p>弹窗里的登录提示,读者看不到这段文字内容。</p></div>"
        + "<template hidden><p>模板里的隐藏段落,同样不应该出现在正文里面。</p></template>"
        + "</body></html>"
    )
    article = extract_article(html, "http://x/a.html",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert "正文第5段" in article.text
    assert "新进展" in article.text
    for hidden in ("干扰字符", "登录提示", "模板里"):
        assert hidden not in article.text


def test_an_article_hidden_until_a_script_runs_is_still_extracted():
    html = (
        "<html><head><title>脚本显示的文章</title></head><body><h1>脚本显示的文章</h1>"
        "<p>加载中</p><div id='content' style='display:none'>"
        + _paragraphs("隐藏正文", 8)
        + "</div></body></html>"
    )
    article = extract_article(html, "http://x/b.html",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert "隐藏正文第7段" in article.text


def test_the_page_is_extracted_again_only_when_its_hidden_text_could_be_the_article(
        monkeypatch):
    import extractor.body as body

    passes = []
    real = body._body

    def counted(*args, **kwargs):
        passes.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(body, "_body", counted)
    short = ("<html><head><title>短讯</title></head><body><h1>短讯</h1><p>一条只有一句话的快讯,"
             "说明某公司发布了新模型。</p>")
    # A hidden menu of a few words cannot make the body four times longer: one pass.
    extract_article(short + "<ul style='display:none'><li>首页</li><li>登录</li></ul>"
                    "</body></html>", "http://x/d.html", ExtractOptions(fetched_at=NOW))
    assert len(passes) == 1
    passes.clear()
    # A hidden article could: the page as served is read too.
    extract_article(short + "<div style='display:none'>" + _paragraphs("隐藏正文", 8)
                    + "</div></body></html>", "http://x/e.html", ExtractOptions(fetched_at=NOW))
    assert len(passes) == 2


def test_lines_lost_to_a_wrong_decode_are_dropped():
    garbled = "\ufffd\ufffd" * 40
    html = (
        "<html><head><title>一篇文章</title></head><body><h1>一篇文章</h1>"
        + _paragraphs("正文", 5)
        + f"<p>{garbled} 2005 {garbled}</p></body></html>"
    )
    article = extract_article(html, "http://x/c.html",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert "\ufffd" not in article.text
    assert "正文第4段" in article.text


def _english_paragraphs(count: int) -> str:
    return "".join(
        f"<p>Paragraph {i} of the report explains what the new model does, how it was "
        f"trained and what the researchers measured when they compared it with others.</p>"
        for i in range(count)
    )


def test_text_served_as_utf8_read_as_latin1_is_repaired():
    # What a CMS that re-encoded its database serves: `’` as the three characters â, 0x80, 0x99.
    broken = "Investor’s".encode().decode("latin-1")
    html = (
        f"<html><head><meta charset='utf-8'><title>A {broken} Guide | Site</title></head>"
        f"<body><h1>A {broken} Guide</h1>{_english_paragraphs(5)}"
        f"<p>Every {broken} calculator is different, and café owners use them too.</p>"
        "</body></html>"
    )
    article = extract_article(html.encode(), "http://x/guide",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.title == "A Investor’s Guide"
    assert "Every Investor’s calculator" in article.text
    assert "café owners" in article.text  # real Latin-1 letters are left as they are
    assert "\u0080" not in article.text


def test_headline_drops_the_date_inside_it_and_unrendered_templates():
    html = (
        "<html><head><title>Preparing a transition | Blog</title></head><body>"
        "<h1>{{ navItem.title }} Overview</h1>"
        "<h1><a href='/p'><time datetime='2025-12-18'>Dec 18 2025</time> Preparing a "
        f"transition</a></h1>{_english_paragraphs(5)}</body></html>"
    )
    article = extract_article(html, "http://x/p",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.title == "Preparing a transition"


def _english_page(head: str, body_extra: str = "") -> str:
    return (f"<html><head><title>A report</title>{head}</head><body><article><h1>A report</h1>"
            f"{_english_paragraphs(5)}</article>{body_extra}</body></html>")


@pytest.mark.parametrize(
    ("head", "body_extra", "authors"),
    [
        # A quoted list of two people in the author meta tag.
        ("<meta name='author' content=\"'Luana Patriolino, Raphael Felice'\">", "",
         ["Luana Patriolino", "Raphael Felice"]),
        # `Lastname, Firstname` is one person.
        ("<meta name='author' content='Kaufman, Jeff'>", "", ["Kaufman, Jeff"]),
        # JSON-LD naming a profile URL says nothing; a plugin's `…author_name` meta does.
        ("<script type='application/ld+json'>{\"@type\": \"Article\", \"author\": "
         "\"https://example.com/author/someone/#author\"}</script>"
         "<meta name='shareaholic:article_author_name' content='Wolfgang Michal'>", "",
         ["Wolfgang Michal"]),
        # The comment form's `Name *` field and a bare `Auteurs` link are not bylines.
        ("", "<form class='comment-form'><p class='comment-form-author'><label for='author'>"
         "Name <span>*</span></label><input id='author' name='author'></p></form>", []),
        ("", "<div class='author-list'><a href='/auteurs/'>Auteurs</a></div>", []),
    ],
)
def test_authors_declared_in_markup(head, body_extra, authors):
    article = extract_article(_english_page(head, body_extra), "http://x/r",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert list(article.authors) == authors


def test_a_short_brief_inside_a_portals_menus_comes_out_alone():
    # A 62-character 快讯: trafilatura falls back to the whole page, menus and lists included.
    nav = "".join(f'<li><a href="/ch/{i}/">频道{i}</a></li>' for i in range(20))
    side = "".join(f'<li><a href="/news/{i}.html">大模型行业动态第{i}条：某公司发布新一代推理芯片'
                   "</a></li>" for i in range(15))
    brief = ("快讯：智谱今日发布GLM-5模型，支持百万字上下文，推理成本较上一代下降60%。"
             "该模型已在开放平台上线，企业用户可申请试用。")
    html = (
        "<html><head><meta charset='utf-8'><title>智谱发布GLM-5模型_AI快讯_科技网</title></head>"
        f"<body><ul class='nav'>{nav}</ul>"
        "<div class='crumb'>当前位置：首页 &gt; AI快讯 &gt; 正文</div>"
        "<h1>智谱发布GLM-5模型</h1><div class='info'>2025-03-01 10:20 来源：科技网</div>"
        f"<div class='content'><p>{brief}</p></div><div class='side'><h3>热门推荐</h3><ul>{side}"
        "</ul></div><div class='footer'>Copyright © 2025 科技网 京ICP备12345678号</div>"
        "</body></html>"
    )
    article = extract_article(html.encode(), "http://x.cn/kuaixun/1.html",
                              ExtractOptions(fetched_at=NOW))
    assert article is not None
    assert article.text == brief
    assert article.source == "科技网"
    assert article.category == "AI快讯"
