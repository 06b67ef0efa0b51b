"""One-off fetches: polite without waiting a second for nothing."""

from __future__ import annotations

from ainews.cli.crawling import FEW_URLS, one_off_settings


def test_one_page_per_site_needs_no_autothrottle():
    settings = one_off_settings(["http://a.cn/1.html", "https://b.cn/2.html"])
    assert settings["AUTOTHROTTLE_ENABLED"] is False and settings["DOWNLOAD_DELAY"] == 0


def test_several_pages_of_one_site_keep_autothrottle():
    settings = one_off_settings(["http://a.cn/1.html", "http://a.cn/2.html"])
    assert "AUTOTHROTTLE_ENABLED" not in settings


def test_a_few_urls_start_no_worker_processes_many_do():
    few = one_off_settings([f"http://a{n}.cn/1.html" for n in range(FEW_URLS)])
    assert few["EXTRACT_WORKERS"] == 0 and few["ARCHIVE_PROCESS"] is False
    many = one_off_settings([f"http://a{n}.cn/1.html" for n in range(FEW_URLS + 1)])
    assert "EXTRACT_WORKERS" not in many and "ARCHIVE_PROCESS" not in many


def test_one_off_urls_load_only_the_fetch_spider():
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    settings = one_off_settings(["http://a.cn/1.html"])
    loader = SpiderLoader.from_settings(Settings(settings))
    assert loader.list() == ["fetch"]
