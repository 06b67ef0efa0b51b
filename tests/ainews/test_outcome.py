"""When a crawl counts as failed (exit 1)."""

from __future__ import annotations

from ainews.outcome import crawl_failure


def test_refused_commits_and_unanswered_requests_fail_a_crawl():
    assert "3 articles" in crawl_failure({"archive/not_stored": 3,
                                          "archive/failure": "No space left on device"})
    refused = {"downloader/exception_type_count/DownloadConnectionRefusedError": 9}
    assert "9 × DownloadConnectionRefusedError" in crawl_failure(refused)
    assert "HTTP 503" in crawl_failure({"downloader/response_status_count/503": 4})
    assert "every page" in crawl_failure({"downloader/response_status_count/200": 4,
                                          "extract/error": 4})


def test_nothing_new_or_nothing_left_is_no_failure():
    assert crawl_failure({}) is None  # a resumed crawl whose queue was done
    assert crawl_failure({"downloader/response_status_count/304": 5}) is None
    assert crawl_failure({"downloader/response_status_count/200": 3,
                          "archive/skipped_archived": 40}) is None
    assert crawl_failure({"downloader/response_status_count/200": 3,
                          "downloader/response_status_count/404": 1,
                          "extract/not_article": 2}) is None


def test_an_exception_in_a_spider_callback_fails_the_crawl():
    stats = {"downloader/response_status_count/200": 40, "extract/ok": 35,
             "spider_exceptions/count": 7, "spider_exceptions/AssertionError": 7}
    failure = crawl_failure(stats)
    assert failure is not None and failure.startswith("7 errors in the spider's callbacks")
