"""A zoo site: a URL scheme, a discovery situation and the pages both imply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urlsplit

from ainews.demo.content import DemoArticle
from ainews.demo.site import HTML_UNDECLARED, HTML_UTF8, TEXT, XML, Response
from ainews.demo.zoo import skins

PAGE_SIZE = 10


@dataclass(kw_only=True)
class ZooSpec:
    """How one zoo site names and links its pages."""

    name: str
    title: str
    article_path: Callable[[int, DemoArticle], str]
    listing_path: Callable[[int], str]
    """Listing page ``n`` (2 and on; page 1 is the home page)."""
    skin: int = 0
    encoding: str = "utf-8"
    declare_charset: bool = True
    feed: str | None = None
    """"rss" or "atom", linked from the home page's head."""
    feed_path: str = "/feed.xml"
    sitemap: str | None = None
    """"robots" (named in robots.txt), "plain" (only at /sitemap.xml), "index" (an index named
    in robots.txt), "news" (a news sitemap named in robots.txt)."""
    robots: bool = True
    category_path: Callable[[int], str] | None = None
    print_path: Callable[[int, DemoArticle], str] | None = None
    """A printer-friendly duplicate, linked from the article, with rel=canonical."""
    amp_path: Callable[[int, DemoArticle], str] | None = None
    """An AMP duplicate (rel=amphtml from the article; rel=canonical back)."""
    two_pages: Callable[[int, DemoArticle], str] | None = None
    """Page 2 of every third article (the article is one article over both pages)."""
    noise_paths: tuple[str, ...] = ()
    """Tag, topic, search and about pages: long paragraphs and links, no article."""
    listing_links_amp: bool = False
    summaries: int | None = None
    """A teaser style (``skins.summary_listing_page``): listings show each article's byline,
    date and opening lines, and the noise pages (search, tag, author) are such listings too,
    named for the word in their address."""


@dataclass
class ZooSite:
    """A generated site; ``articles`` is the ground truth (one per article, primary URLs)."""

    spec: ZooSpec
    articles: list[DemoArticle]
    _routes: dict[str, dict[str, Response]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The site's name."""
        return self.spec.name

    @property
    def title(self) -> str:
        """The site's human-readable title."""
        return self.spec.title

    def render(self, path: str, base_url: str, now: datetime | None = None) -> Response:
        """The response for ``path`` (with its query), 404 when there is none."""
        if base_url not in self._routes:
            self._routes[base_url] = self._build(base_url)
        found = self._routes[base_url].get(path)
        return found or Response(b"<html><body><h1>404</h1></body></html>", HTML_UTF8, 404)

    # ---- building every page -----------------------------------------------------------------

    def _html(self, text: str) -> Response:
        ctype = HTML_UTF8 if self.spec.declare_charset and self.spec.encoding == "utf-8" else (
            HTML_UNDECLARED)
        return Response(text.encode(self.spec.encoding), ctype)

    def _build(self, base: str) -> dict[str, Response]:
        spec, routes = self.spec, {}
        charset = spec.encoding if spec.declare_charset else None
        newest = sorted(self.articles, key=lambda a: a.published_at, reverse=True)
        url_of = {a.path: a.path for a in self.articles}
        for number, article in enumerate(self.articles):
            related = [self.articles[(number + k) % len(self.articles)] for k in (1, 2, 3)]
            head, pager, first = "", "", article.paragraphs
            if spec.amp_path:
                head += f'<link rel="amphtml" href="{spec.amp_path(number, article)}">'
            if spec.print_path:
                pager += f'<p><a href="{spec.print_path(number, article)}">打印本页</a></p>'
            second = spec.two_pages(number, article) if spec.two_pages else None
            if second and number % 3 == 0:
                half = max(1, len(article.paragraphs) // 2)
                first, rest = article.paragraphs[:half], article.paragraphs[half:]
                pager += (f'<div class="pages"><span>1</span> <a href="{second}">2</a> '
                          f'<a href="{second}">下一页</a></div>')
                routes[second] = self._html(skins.article_page(
                    spec.title, article, related, skin=spec.skin, url_of=url_of,
                    charset=charset, paragraphs=rest or first,
                    pager=f'<div class="pages"><a href="{article.path}">上一页</a> '
                          f'<a href="{article.path}">1</a> <span>2</span></div>',
                    extra_head=f'<link rel="prev" href="{article.path}">'))
            routes[article.path] = self._html(skins.article_page(
                spec.title, article, related, skin=spec.skin, url_of=url_of, charset=charset,
                extra_head=head, paragraphs=first, pager=pager))
            for variant in (spec.print_path, spec.amp_path):
                if variant:
                    routes[variant(number, article)] = self._html(skins.article_page(
                        spec.title, article, [], skin=(spec.skin + 1) % 4, url_of=url_of,
                        charset=charset, canonical=base + article.path))
        pages = [newest[i:i + PAGE_SIZE] for i in range(0, len(newest), PAGE_SIZE)]
        feed_head = ""
        if spec.feed:
            kind = "rss+xml" if spec.feed == "rss" else "atom+xml"
            feed_head = f'<link rel="alternate" type="application/{kind}" href="{spec.feed_path}">'
        for n, chunk in enumerate(pages, start=1):
            path = "/" if n == 1 else spec.listing_path(n)
            items = [(self._listed_path(a), a.title) for a in chunk]
            if n == 1:
                items += [(p, "专题与关于") for p in spec.noise_paths]
                if spec.category_path:
                    items += [(spec.category_path(c), f"频道{c}") for c in (1, 2, 3)]
            numbered = [(k, "/" if k == 1 else spec.listing_path(k))
                        for k in range(1, len(pages) + 1)]
            heading = "最新文章" if n == 1 else f"最新文章 第{n}页"
            nxt = spec.listing_path(n + 1) if n < len(pages) else None
            head = feed_head if n == 1 else ""
            if spec.summaries is not None:
                routes[path] = self._html(skins.summary_listing_page(
                    spec.title, heading, chunk, nxt, url_of=url_of, charset=charset,
                    numbered=numbered, extra_head=head, channels=items[len(chunk):],
                    style=spec.summaries))
            else:
                routes[path] = self._html(skins.listing_page(
                    spec.title, heading, items, nxt, charset=charset, extra_head=head,
                    numbered=numbered))
        if spec.category_path:
            for c in (1, 2, 3):
                members = [a for i, a in enumerate(newest) if i % 3 == c - 1][:PAGE_SIZE]
                routes[spec.category_path(c)] = self._html(
                    skins.summary_listing_page(spec.title, f"频道{c}", members, None,
                                               url_of=url_of, charset=charset,
                                               style=spec.summaries)
                    if spec.summaries is not None else skins.listing_page(
                        spec.title, f"频道{c}", [(a.path, a.title) for a in members], None,
                        charset=charset))
        for number, path in enumerate(spec.noise_paths):
            if spec.summaries is not None and "about" not in path:
                word = _named_word(path, spec.encoding)
                members = newest[number * 4:number * 4 + 8]
                routes[path] = self._html(skins.summary_listing_page(
                    spec.title, f"“{word}”的相关文章", members, None, url_of=url_of,
                    charset=charset, intro=skins.ABOUT[number % len(skins.ABOUT)],
                    style=spec.summaries))
                continue
            links = [(a.path, a.title) for a in newest[:5]]
            routes[path] = self._html(skins.text_page(spec.title, "专题：" + path.strip("/?="),
                                                      links, charset=charset))
        self._discovery_files(base, routes, newest)
        return routes

    def _listed_path(self, article: DemoArticle) -> str:
        """The address listings give ``article`` (its AMP copy on sites that link those)."""
        if self.spec.listing_links_amp and self.spec.amp_path:
            return self.spec.amp_path(self.articles.index(article), article)
        return article.path

    def _discovery_files(self, base: str, routes: dict[str, Response],
                         newest: list[DemoArticle]) -> None:
        spec = self.spec
        entries = [(a.path, a) for a in newest]
        if spec.feed == "rss":
            routes[spec.feed_path] = Response(skins.rss(base, spec.title, entries[:20]).encode(),
                                              XML)
        elif spec.feed == "atom":
            routes[spec.feed_path] = Response(
                skins.atom(base, spec.title, entries[:20]).encode(), XML)
        dated = [(a.path, a.published_at) for a in newest]
        named: list[str] = []
        if spec.sitemap in ("robots", "plain"):
            routes["/sitemap.xml"] = Response(skins.sitemap(base, dated).encode(), XML)
            named = ["/sitemap.xml"] if spec.sitemap == "robots" else []
        elif spec.sitemap == "news":
            routes["/sitemap-news.xml"] = Response(
                skins.sitemap(base, dated, news_title=spec.title).encode(), XML)
            named = ["/sitemap-news.xml"]
        elif spec.sitemap == "index":
            months: dict[str, list[tuple[str, datetime | None]]] = {}
            for path, when in dated:
                months.setdefault(f"/sitemaps/{when:%Y-%m}.xml", []).append((path, when))
            for path, members in months.items():
                routes[path] = Response(skins.sitemap(base, members).encode(), XML)
            routes["/sitemap_index.xml"] = Response(
                skins.sitemap_index(base, list(months)).encode(), XML)
            named = ["/sitemap_index.xml"]
        if spec.robots:
            lines = "User-agent: *\nDisallow: /admin/\n" + "".join(
                f"Sitemap: {base}{p}\n" for p in named)
            routes["/robots.txt"] = Response(lines.encode(), TEXT)


def _named_word(path: str, encoding: str) -> str:
    """The word a search, tag or author page is named for: its query value (or a bare query,
    `tags.php?/算力/`), else its last path segment, percent-decoded in the site's encoding."""
    parts = urlsplit(path)
    values = [value for _, value in parse_qsl(parts.query, encoding=encoding)]
    if values:
        return values[-1]
    if parts.query:
        return unquote(parts.query, encoding=encoding).strip("/")
    return unquote(parts.path.rstrip("/").rsplit("/", 1)[-1], encoding=encoding)
