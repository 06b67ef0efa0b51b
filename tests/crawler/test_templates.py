"""URL templates and what discovery learns from them."""

from __future__ import annotations

from crawler.discovery.learner import SiteLearner
from crawler.discovery.templates import apply_rule, url_template, variant_rule


def test_variable_parts_are_abstracted_and_section_words_kept():
    assert url_template("http://x/ai/20241108/123456.shtml") == "/ai/{date}/{n}.shtml"
    assert url_template("http://x/view.php?id=88&cid=2") == "/view.php?cid={n}&id={n}"
    assert url_template("http://x/p/9f8e7d6c") == "/p/{hex}"
    assert url_template("http://x/news/kaiyuan-moxing-suanli-3") == "/news/{slug}"
    assert url_template("http://x/shuma/88.html") != url_template("http://x/ai/88.html")
    assert url_template("http://x/?p=1") != url_template("http://x/?paged=2")
    assert url_template("http://x/a/1712_2.shtml") != url_template("http://x/a/1712.shtml")


def test_a_copy_rule_is_learned_from_agreeing_duplicates_only():
    rule = variant_rule("http://x/amp/article/1.html", "http://x/article/1.html")
    assert rule is not None
    assert apply_rule("http://x/amp/article/7.html", rule) == "http://x/article/7.html"
    learner = SiteLearner()
    learner.fetched("http://x/amp/article/1.html", article=False,
                    duplicate_of="http://x/article/1.html")
    assert learner.rewrite("http://x/amp/article/9.html") == "http://x/amp/article/9.html"
    learner.fetched("http://x/amp/article/2.html", article=False,
                    duplicate_of="http://x/article/2.html")
    assert learner.rewrite("http://x/amp/article/9.html") == "http://x/article/9.html"
    # Print copies whose originals carry another id agree on no rule: nothing is rewritten.
    for n in (1, 2, 3):
        learner.fetched(f"http://x/print.php?id={n}", article=False,
                        duplicate_of=f"http://x/view.php?id={n}&cid={n % 2}")
    assert learner.rewrite("http://x/print.php?id=9") == "http://x/print.php?id=9"
    assert not learner.worth("http://x/print.php?id=9")  # all copies: spent


def test_a_template_is_spent_when_its_pages_bring_neither_articles_nor_links():
    learner = SiteLearner()
    assert learner.worth("http://x/topic/a")
    learner.fetched("http://x/tag/a", article=False)
    learner.fetched("http://x/tag/b", article=False)
    assert learner.worth("http://x/tag/c")
    learner.fetched("http://x/tag/c", article=False)
    assert not learner.worth("http://x/tag/d")  # three of the family, nothing in them
    learner.fetched("http://x/list_2.html", article=False, new_links=10)
    learner.fetched("http://x/list_3.html", article=False, new_links=10)
    assert learner.worth("http://x/list_4.html")
    for n in (1, 2, 3):
        learner.fetched(f"http://x/?p={n}", article=True)
    assert learner.priority("http://x/?p=9") > learner.priority("http://x/list_4.html")


def test_a_later_page_of_an_archived_article_is_recognised_by_its_url():
    from scrapy.http import HtmlResponse

    from crawler.discovery.pages import earlier_page

    def page(url: str, links: str) -> HtmlResponse:
        return HtmlResponse(url=url, body=links.encode(), encoding="utf-8")

    archived = {"http://x/a/1712.shtml", "http://x/view.php?id=8", "http://x/story/88"}
    assert earlier_page(page("http://x/a/1712_2.shtml", "<a href='1712.shtml'>1</a>"),
                        archived) == "http://x/a/1712.shtml"
    assert earlier_page(page("http://x/view.php?id=8&page=2", "<a href='/view.php?id=8'>1</a>"),
                        archived) == "http://x/view.php?id=8"
    assert earlier_page(page("http://x/story/88/2", "<a href='/story/88'>1</a>"),
                        archived) == "http://x/story/88"
    # Not linked back, or page 1 no article of this crawl: another article.
    assert earlier_page(page("http://x/a/1712_2.shtml", ""), archived) is None
    assert earlier_page(page("http://x/archives/41", "<a href='/archives'>list</a>"),
                        archived) is None
