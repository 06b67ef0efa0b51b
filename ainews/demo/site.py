"""One demo site: its articles and the bytes it serves for each path."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ainews.demo import content, layouts
from ainews.demo.content import DemoArticle

ARTICLES_PER_SITE = 80

HTML_UTF8 = "text/html; charset=utf-8"
HTML_UNDECLARED = "text/html"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Response:
    """What the demo server sends for one path."""

    body: bytes
    content_type: str
    status: int = 200


@dataclass(slots=True)
class DemoSite:
    """A generated site: its name, title, articles and the robots-forbidden one."""

    name: str
    title: str
    articles: list[DemoArticle]
    disallowed: DemoArticle
    disallowed_prefix: str
    encoding: str = "utf-8"
    redesigned: bool = False
    """Serve the article pages in a changed layout (see ``layouts.daily_article``)."""

    def add_articles(self, count: int) -> list[DemoArticle]:
        """Publish ``count`` more articles (new paths, newest first in the listing)."""
        generators = {"demo-daily": content.generate_daily, "demo-portal": content.generate_portal}
        if self.name not in generators:
            raise ValueError(f"{self.name} cannot grow")
        total = len(self.articles) + 1 + count
        fresh = generators[self.name](total)[-count:]
        # Published in the last hours, as new articles are (sitemaps then date them as new).
        start = max(max(a.published_at for a in self.articles),
                    datetime.now(UTC) - timedelta(hours=count + 1))
        for offset, article in enumerate(fresh, start=1):
            article.published_at = start + timedelta(hours=offset)
        self.articles.extend(fresh)
        return fresh

    def article_at(self, path: str) -> DemoArticle | None:
        """Return the article served at ``path``, the forbidden one included."""
        for article in (*self.articles, self.disallowed):
            if article.path == path:
                return article
        return None

    def related(self, article: DemoArticle) -> list[DemoArticle]:
        """Five other articles for the 'related' box."""
        index = self.articles.index(article) if article in self.articles else 0
        return [self.articles[(index + k) % len(self.articles)] for k in range(1, 6)]

    def listed(self) -> list[DemoArticle]:
        """Articles in listing order, newest first, the forbidden one on top."""
        ordered = sorted(self.articles, key=lambda a: a.published_at, reverse=True)
        return [self.disallowed, *ordered]

    def pages(self) -> list[list[DemoArticle]]:
        """The listing split into pages."""
        listed = self.listed()
        size = layouts.PAGE_SIZE
        return [listed[i : i + size] for i in range(0, len(listed), size)]

    def render(self, path: str, base_url: str, now: datetime | None = None) -> Response:
        """Return the response for ``path`` (404 when there is none)."""
        now = now or datetime.now(UTC)
        path = path.split("?", 1)[0]  # these sites ignore queries
        html = self._render_html(path, now)
        if html is not None:
            ctype = HTML_UNDECLARED if self.encoding != "utf-8" else HTML_UTF8
            return Response(html.encode(self.encoding), ctype)
        if path == "/robots.txt":
            return Response(layouts.robots(base_url, self.disallowed_prefix).encode(), TEXT)
        if path == "/sitemap.xml":
            return Response(layouts.sitemap(base_url, self.listed()).encode(), XML)
        if path == "/news-sitemap.xml":
            fresh = self.listed()[1:21]
            return Response(layouts.news_sitemap(base_url, self.title, fresh).encode(), XML)
        if path == "/rss.xml":
            return Response(layouts.rss(base_url, self.title, self.listed()[:30]).encode(), XML)
        tagged = self._tag_page(path)
        if tagged is not None:
            return Response(tagged.encode(), HTML_UTF8)
        if path in ("/about.html", "/about/"):
            return Response(layouts.about_page(self.title).encode(), HTML_UTF8)
        return Response(b"<html><body><h1>404</h1></body></html>", HTML_UTF8, 404)

    def _tag_page(self, path: str) -> str | None:
        """``/tag/X.html``, ``/tag/X`` and ``/category/X``: the articles filed under X."""
        for prefix, field in (("/tag/", "tags"), ("/category/", "category")):
            if path.startswith(prefix):
                label = path[len(prefix):].removesuffix(".html")
                filed = [a for a in self.listed()[1:]
                         if label in (a.tags if field == "tags" else (a.category,))]
                return layouts.tag_page(self.title, label, filed[:20]) if filed else None
        return None

    def _render_html(self, path: str, now: datetime) -> str | None:
        article = self.article_at(path)
        renderer = _RENDERERS[self.name]
        if article is not None:
            if self.redesigned and self.name == "demo-daily":
                return layouts.daily_article(article, self.related(article), redesigned=True)
            return renderer.article(article, self.related(article), now)
        page = renderer.page_number(path)
        pages = self.pages()
        if page is not None and 1 <= page <= len(pages):
            return renderer.listing(pages[page - 1], page, len(pages), now)
        return None


@dataclass(frozen=True, slots=True)
class _Renderer:
    article: Callable[[DemoArticle, Sequence[DemoArticle], datetime], str]
    listing: Callable[[Sequence[DemoArticle], int, int, datetime], str]
    page_number: Callable[[str], int | None]


def _number(path: str, prefix: str, suffix: str, first: str) -> int | None:
    if path in (first, "/"):  # the home page is the first listing page
        return 1
    if path.startswith(prefix) and path.endswith(suffix):
        middle = path[len(prefix) : len(path) - len(suffix)]
        return int(middle) if middle.isdigit() else None
    return None


_RENDERERS = {
    "demo-daily": _Renderer(
        article=lambda a, rel, now: layouts.daily_article(a, rel),
        listing=lambda arts, p, n, now: layouts.daily_listing(arts, p, n),
        page_number=lambda path: _number(path, "/list/", ".html", "/list/1.html"),
    ),
    "demo-wp": _Renderer(
        article=layouts.wp_article,
        listing=layouts.wp_listing,
        page_number=lambda path: _number(path, "/page/", "/", "/"),
    ),
    "demo-portal": _Renderer(
        article=lambda a, rel, now: layouts.portal_article(a, rel),
        listing=lambda arts, p, n, now: layouts.portal_listing(arts, p, n),
        page_number=lambda path: _number(path, "/tech/index_", ".shtml", "/tech/index.shtml"),
    ),
}


REPRINTS = ((10, 20, 5), (30, 41, 26), (50, 62, 3))
"""(daily article, portal article, hours later): the portal runs these daily stories again,
crediting the daily (来源: AI日报), so the demo archive holds stories with a first outlet."""


def reprint_stories(daily: list[content.DemoArticle],
                    portal: list[content.DemoArticle]) -> None:
    """Make the ``REPRINTS`` portal articles copies of daily ones, published hours later."""
    for original, copy, hours in REPRINTS:
        if max(original, copy) >= min(len(daily), len(portal)) - 1:
            continue  # a small demo (tests) has no room for them
        story, reprint = daily[original], portal[copy]
        reprint.title, reprint.paragraphs = story.title, list(story.paragraphs)
        reprint.entities = dict(story.entities)
        reprint.published_at = (story.published_at + timedelta(hours=hours)).astimezone(
            content.SHANGHAI)
        reprint.path = f"/a/{reprint.published_at:%Y%m%d}/{reprint.path.rsplit('/', 1)[1]}"
        reprint.source = "AI日报"


def build_sites(now: datetime | None = None, count: int = ARTICLES_PER_SITE) -> list[DemoSite]:
    """Generate the three demo sites; only the WordPress one depends on ``now``."""
    now = now or datetime.now(UTC)
    daily = content.generate_daily(count + 1)
    wp = content.generate_wp(count + 1, now)
    portal = content.generate_portal(count + 1)
    for name, articles in (("demo-daily", daily), ("demo-wp", wp), ("demo-portal", portal)):
        content.add_field_context(articles, name)
    reprint_stories(daily, portal)
    # The last generated article of each site is moved under the robots-forbidden folder.
    daily[-1].path = "/news/preview/" + daily[-1].path.rsplit("/", 1)[1]
    wp[-1].path = "/archives/draft/" + wp[-1].path.rsplit("/", 1)[1]
    portal[-1].path = "/a/20990101/" + portal[-1].path.rsplit("/", 1)[1]
    for article in (daily[-1], wp[-1], portal[-1]):
        article.disallowed = True
    return [
        DemoSite("demo-daily", "AI日报", daily[:-1], daily[-1], "/news/preview/"),
        DemoSite("demo-wp", "智能前沿", wp[:-1], wp[-1], "/archives/draft/"),
        DemoSite("demo-portal", "科技频道", portal[:-1], portal[-1], "/a/20990101/",
                 encoding="gbk"),
    ]
