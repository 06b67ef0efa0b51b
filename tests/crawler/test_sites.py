"""Site profiles: real-site patterns, discovery of sites without one, link judgement."""

from __future__ import annotations

import pytest

from crawler.links import is_next_link, is_pagination_url, looks_like_article_url
from crawler.sites import PROFILES, get_profile
from crawler.sites.base import discovered_profile
from crawler.spiders import SITE_SPIDERS
from tests.conftest import REPO

# (profile, an article URL of the site's public address shape, a listing URL that is not one)
REAL_SITES = [
    ("qbitai", "https://www.qbitai.com/2024/11/212345.html", "https://www.qbitai.com/category/资讯"),
    ("jiqizhixin", "https://www.jiqizhixin.com/articles/2024-11-08-3",
     "https://www.jiqizhixin.com/dailies"),
    ("aibase", "https://www.aibase.com/zh/news/13021", "https://www.aibase.com/zh/news"),
    ("36kr-ai", "https://36kr.com/p/2934567890123456", "https://36kr.com/information/AI/"),
    ("ithome-ai", "https://www.ithome.com/0/812/345.htm", "https://www.ithome.com/tag/ai/"),
]


@pytest.mark.parametrize(("name", "article", "listing"), REAL_SITES)
def test_real_site_profiles_tell_articles_from_listings(name, article, listing):
    profile = get_profile(name)
    assert not profile.verified_offline
    assert profile.is_article_url(article)
    assert not profile.is_article_url(listing)
    assert profile.listing_urls or profile.feed_urls
    assert name in SITE_SPIDERS


def test_every_profile_has_a_spider_and_a_schedule():
    assert set(SITE_SPIDERS) == set(PROFILES)
    for profile in PROFILES.values():
        assert len(profile.schedule.split()) == 5


def test_a_discovered_profile_is_named_after_the_host():
    profile = discovered_profile("https://www.example.cn/news/")
    assert profile.name == "example.cn" and profile.discover
    assert profile.is_article_url("https://example.cn/news/2024/11/08/abc.html")
    assert not profile.is_article_url("https://other.cn/news/2024/11/08/abc.html")
    assert discovered_profile("http://127.0.0.1:8080/").name == "127.0.0.1"
    with pytest.raises(ValueError):
        discovered_profile("ftp://example.cn/")


@pytest.mark.parametrize("url", [
    "https://a.cn/news/1000.html", "https://a.cn/archives/2000", "https://a.cn/a/20241108/3.shtml",
    "https://a.cn/2024/11/08/some-title/", "https://a.cn/p/2934567890",
    "https://a.cn/article/openai-releases-new-model", "https://a.cn/0/812/345.htm",
])
def test_article_shaped_urls(url):
    assert looks_like_article_url(url)


@pytest.mark.parametrize("url", [
    "https://a.cn/", "https://a.cn/tag/大模型.html", "https://a.cn/category/ai/",
    "https://a.cn/page/2/", "https://a.cn/news/list_2.html", "https://a.cn/tech/index_3.shtml",
    "https://a.cn/about.html", "https://a.cn/author/admin/", "https://a.cn/list/3.html",
    "https://a.cn/news/?page=4", "https://a.cn/logo.png", "https://a.cn/sitemap.xml",
])
def test_not_article_urls(url):
    assert not looks_like_article_url(url)


def test_pagination_and_next_links():
    assert is_pagination_url("https://a.cn/news/?page=2")
    assert is_pagination_url("https://a.cn/news/list_2.html")
    assert is_pagination_url("https://a.cn/page/3/")
    assert not is_pagination_url("https://a.cn/news/1000.html")
    assert is_next_link("", " 下一页 ") and is_next_link("next", "") and is_next_link("", "»")
    assert not is_next_link("prev", "上一页")


def test_a_crawl_of_an_unknown_site_reads_naive_dates_as_a_fetch_does():
    from scrapy.http import HtmlResponse

    from crawler.sites.base import discovered_profile
    from crawler.spiders.site import page_from_response
    from extractor import extract_article
    from pipelines.route import options_for

    profile = discovered_profile("https://news.example.org/")
    assert profile.timezone is None  # nobody said where the site is
    english = "".join(f"<p>Paragraph {n}: the council voted to fund a pilot of language "
                      "models in its planning office after a year of trials.</p>"
                      for n in range(5))
    sentence = "今年以来，当地持续推进人工智能技术在制造业中的应用，效率明显提升。"
    chinese = f"<p>{sentence * 6}</p>"
    for lang, body, zone in (("en", english, "UTC"), ("zh", chinese, "Asia/Shanghai")):
        html = (f"<html lang='{lang}'><head><title>Council pilot</title></head><body>"
                f"<h1>Council pilot</h1><p>2024-03-05 10:00</p>{body}</body></html>")
        response = HtmlResponse("https://news.example.org/a/1.html", body=html.encode(),
                                encoding="utf-8")
        page = page_from_response(response, profile.name, profile.timezone)
        crawled = extract_article(page.body, page.url, options_for(page))
        fetched = extract_article(html, page.url)
        assert crawled is not None and fetched is not None
        assert crawled.timezone == fetched.timezone == zone
        assert crawled.published_at == fetched.published_at


def test_the_default_zone_rule_has_one_home():
    """Only the extractor's rule (by language) and the profiles' stated default name a zone."""
    homes = sorted(
        str(path.relative_to(REPO)) for package in ("ainews", "crawler", "pipelines", "extractor")
        for path in (REPO / package).rglob("*.py")
        if '"Asia/Shanghai"' in path.read_text(encoding="utf-8"))
    assert homes == ["crawler/sites/base.py", "extractor/article.py"]
