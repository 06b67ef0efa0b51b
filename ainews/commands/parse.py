"""``scrapy parse URL``: Scrapy's own command, showing the extracted article of each page.

Our spiders hand pages to the pipelines, where extraction happens; Scrapy's parse prints
what a callback returns, which would be raw pages. This command extracts them first.
"""

from __future__ import annotations

from typing import Any

from scrapy.commands.parse import Command as ScrapyParse

from crawler.items import Page


class Command(ScrapyParse):
    """Scrapy's parse, with each scraped page shown as the article the archive would store."""

    def add_items(self, lvl: int, new_items: list[Any]) -> None:
        """Replace pages by their articles (or a note saying the page holds none)."""
        from pipelines.route import article_row, extract_page

        assert self.settings is not None
        shown: list[Any] = []
        for item in new_items:
            if not isinstance(item, Page):
                shown.append(item)
                continue
            article = extract_page(item, spider=self.spidercls.name if self.spidercls else None,
                                   min_chars=self.settings.getint("EXTRACT_MIN_CHARS"),
                                   keep_page=False)
            shown.append(article_row(article) if article is not None else
                         {"url": item.url, "article": None, "reason": "no article body"})
        super().add_items(lvl, shown)
