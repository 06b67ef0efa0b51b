"""The zoo's site layouts: fifteen URL schemes and discovery situations, deterministic."""

from __future__ import annotations

import hashlib
from datetime import datetime

from ainews.demo.content import (
    AUTHORS_DAILY,
    AUTHORS_PORTAL,
    SHANGHAI,
    DemoArticle,
    generate_generic,
)
from ainews.demo.zoo.site import ZooSite, ZooSpec

ARTICLES = 36


def _hash(i: int) -> str:
    return hashlib.sha1(f"zoo-{i}".encode()).hexdigest()[:8]


_PINYIN = ("xinghe", "moxing", "kaiyuan", "suanli", "xinpian", "zhineng", "tuili", "xunlian",
           "shuju", "jiance", "yiliao", "jiaoyu", "kefu", "jiashi", "fengkong", "zhijian")


def _slug(i: int) -> str:
    words = [_PINYIN[(i * k + 3) % len(_PINYIN)] for k in (1, 3, 5, 7)]
    return "-".join(words) + f"-{i}"


def _d(a: DemoArticle) -> datetime:
    return a.published_at.astimezone(SHANGHAI)


SPECS: tuple[ZooSpec, ...] = (
    ZooSpec(name="zoo-wp-default", title="智能周刊", skin=3,
            article_path=lambda i, a: f"/?p={101 + i * 7}",
            listing_path=lambda n: f"/?paged={n}", category_path=lambda c: f"/?cat={c}",
            feed="rss", feed_path="/?feed=rss2", noise_paths=("/?page_id=2",)),
    ZooSpec(name="zoo-short-ids", title="数码前线", skin=0,
            article_path=lambda i, a: f"/{('shuma', 'ai', 'keji')[i % 3]}/{12 + i * 2}.html",
            listing_path=lambda n: f"/list_{n}.html", category_path=lambda c: f"/lanmu{c}/",
            robots=False, noise_paths=("/about.html",)),
    ZooSpec(name="zoo-dated-portal", title="科技门户", skin=2,
            article_path=lambda i, a: f"/ai/{_d(a):%Y%m%d}/{123456 + i * 13}.shtml",
            listing_path=lambda n: f"/ai/index_{n}.shtml", sitemap="robots",
            noise_paths=("/zhuanti/dmx.shtml",)),
    ZooSpec(name="zoo-hash-ids", title="模型观察", skin=1,
            article_path=lambda i, a: f"/p/{_hash(i)}", listing_path=lambda n: f"/latest?page={n}",
            feed="atom", feed_path="/feed.atom", noise_paths=("/topics/agents", "/about")),
    ZooSpec(name="zoo-php-query", title="产业资讯网", skin=2, encoding="gbk",
            article_path=lambda i, a: f"/view.php?id={88 + i}&cid={i % 3 + 1}",
            listing_path=lambda n: f"/list.php?cid=0&page={n}",
            category_path=lambda c: f"/list.php?cid={c}",
            print_path=lambda i, a: f"/print.php?id={88 + i}",
            noise_paths=("/search.php?q=%E5%A4%A7%E6%A8%A1%E5%9E%8B",)),
    ZooSpec(name="zoo-pretty-slugs", title="AI Daily 中文", skin=1,
            article_path=lambda i, a: f"/news/{_slug(i)}",
            listing_path=lambda n: f"/news/page/{n}/",
            sitemap="news", noise_paths=("/about-us", "/tag/kaiyuan")),
    ZooSpec(name="zoo-shtml-paged", title="深度科技", skin=0,
            article_path=lambda i, a: f"/html/{_d(a):%Y/%m%d}/{1700 + i}.shtml",
            two_pages=lambda i, a: f"/html/{_d(a):%Y/%m%d}/{1700 + i}_2.shtml",
            listing_path=lambda n: f"/html/list_{n}.shtml", sitemap="plain"),
    ZooSpec(name="zoo-amp-canonical", title="前沿快讯", skin=3,
            article_path=lambda i, a: f"/article/{600000 + i * 31}.html",
            amp_path=lambda i, a: f"/amp/article/{600000 + i * 31}.html",
            listing_path=lambda n: f"/article/list-{n}.html", listing_links_amp=True,
            feed="rss", feed_path="/rss"),
    ZooSpec(name="zoo-no-discovery-files", title="算力笔记", skin=1,
            article_path=lambda i, a: f"/archives/{40 + i}", listing_path=lambda n: f"/page/{n}",
            robots=False),
    ZooSpec(name="zoo-gbk-nocharset", title="芯片与智能", skin=2, encoding="gbk",
            declare_charset=False, article_path=lambda i, a: f"/a/{_d(a):%y%m}/{500 + i}.htm",
            listing_path=lambda n: f"/index_{n}.htm", sitemap="robots"),
    ZooSpec(name="zoo-tag-traps", title="智能体研究社", skin=0,
            article_path=lambda i, a: f"/story/{30000 + i * 3}",
            listing_path=lambda n: f"/stories?p={n}",
            noise_paths=("/topic/large-models", "/topic/chips", "/search?q=agent", "/about",
                         "/authors/lin"),
            feed="rss", feed_path="/stories.rss"),
    ZooSpec(name="zoo-sitemap-index", title="数智日志", skin=3,
            article_path=lambda i, a: f"/{_d(a):%Y/%m/%d}/{_slug(i + 50)}.html",
            listing_path=lambda n: f"/archive/{n}/", sitemap="index"),
    ZooSpec(name="zoo-summary-portal", title="智源快报", skin=1, summaries=0,
            article_path=lambda i, a: f"/news/{_d(a):%Y%m}/{8800 + i * 11}.html",
            listing_path=lambda n: f"/news/more-{n}.html", category_path=lambda c: f"/c/{c}/",
            noise_paths=("/?s=%E5%A4%A7%E6%A8%A1%E5%9E%8B", "/tag/%E7%AE%97%E5%8A%9B",
                         "/author/linruochuan", "/about-us"),
            feed="rss", feed_path="/feed/"),
    ZooSpec(name="zoo-summary-blog", title="模型笔记本", skin=3, summaries=1,
            article_path=lambda i, a: f"/{_d(a):%Y/%m}/{_slug(i + 90)}/",
            listing_path=lambda n: f"/page/{n}/", category_path=lambda c: f"/category/ai-{c}/",
            noise_paths=("/search?kw=%E6%99%BA%E8%83%BD%E4%BD%93", "/topics/kaiyuan/",
                         "/author/xuejing/", "/about/"),
            sitemap="robots"),
    ZooSpec(name="zoo-summary-cms", title="人工智能资讯中心", skin=2, summaries=2,
            encoding="gbk", article_path=lambda i, a: f"/html/ai/{_d(a):%Y%m}/{3300 + i}.html",
            listing_path=lambda n: f"/html/ai/list_{n}.html",
            category_path=lambda c: f"/plus/list.php?tid={c}",
            noise_paths=("/plus/search.php?keyword=%B4%F3%C4%A3%D0%CD", "/tags.php?/%CB%E3%C1%A6/",
                         "/about/"),
            feed="rss", feed_path="/rss.xml"),
)


def build_zoo() -> list[ZooSite]:
    """Every zoo site with its articles (deterministic)."""
    sites = []
    for number, spec in enumerate(SPECS):
        articles = generate_generic(
            spec.name, ARTICLES, seed=100 + number,
            start=datetime(2024, 3, 1, 8, 0, tzinfo=SHANGHAI), every_hours=17 + number * 5,
            authors=AUTHORS_PORTAL if number % 2 else AUTHORS_DAILY, editors=number % 3 == 1,
            sources=number % 4 == 2)
        for i, article in enumerate(articles):
            article.path = spec.article_path(i, article)
        sites.append(ZooSite(spec, articles))
    return sites
