"""Page chrome for zoo sites: four article skins, listings, tag/search/about pages, feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from ainews.demo.content import DemoArticle

# Long paragraphs a non-article page carries (a site's self-description, a topic's intro):
# text-dense, but not an article.
ABOUT = (
    "本站创办于二〇一八年，长期关注人工智能产业的技术进展与商业落地，编辑部由十余名记者和"
    "行业分析师组成，日常报道覆盖大模型、算力、芯片、智能终端和数据治理等多个方向。",
    "我们坚持独立报道，所有稿件均经过事实核查；转载本站内容请注明出处并保留作者署名，"
    "商务合作、投稿与线索提供请通过页面底部的联系方式与编辑部取得联系，我们会尽快回复。",
    "站内的专题频道按技术方向和行业应用整理了过往报道，读者可以按时间或话题浏览，也可以"
    "订阅每周精选邮件，第一时间获得行业要闻、深度解读和重要产品发布的汇总信息。",
)


def _crumbs(items: Sequence[tuple[str, str]], sep: str) -> str:
    return sep.join(f'<a href="{href}">{escape(label)}</a>' for label, href in items)


def _body(article: DemoArticle, paragraphs: Sequence[str] | None = None) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in (paragraphs or article.paragraphs))


def meta_line(article: DemoArticle, style: int) -> str:
    """The byline, in one of four ways Chinese sites print it."""
    when = article.published_at
    authors = "、".join(article.authors)
    if style == 0:
        return f"作者:{escape(authors)}　发布时间:{when:%Y-%m-%d %H:%M}"
    if style == 1:
        line = f"文 | {escape(authors)}"
        if article.editors:
            line += f"　编辑 | {escape(article.editors[0])}"
        return line + f"　{when:%Y年%m月%d日 %H:%M}"
    if style == 2:
        source = f"来源:{escape(article.source)}　" if article.source else ""
        return f"{when:%Y-%m-%d %H:%M:%S}　{source}作者:{escape(authors)}"
    return f"{escape(authors)} · {when:%Y/%m/%d %H:%M}"


def article_page(site_title: str, article: DemoArticle, related: Sequence[DemoArticle], *,
                 skin: int, url_of: dict[str, str], charset: str | None = "utf-8",
                 canonical: str | None = None, extra_head: str = "",
                 paragraphs: Sequence[str] | None = None, pager: str = "") -> str:
    """An article page: breadcrumb, title, byline, body, related list, footer."""
    head_charset = f'<meta charset="{charset}">' if charset else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    crumbs = _crumbs([("首页", "/"), (article.category, url_of.get("category", "/"))],
                     " &gt; " if skin % 2 else "|")
    links = "".join(f'<li><a href="{url_of[a.path]}">{escape(a.title)}</a></li>'
                    for a in related)
    title_tag = f"{escape(article.title)}{'_' if skin % 2 else ' - '}{escape(site_title)}"
    container = ("article", "div", "section", "div")[skin]
    return f"""<!DOCTYPE html><html lang="zh-CN"><head>{head_charset}
<title>{title_tag}</title>{link}{extra_head}</head><body>
<div class="top"><a href="/">{escape(site_title)}</a> <a href="/about">关于</a></div>
<div class="crumb">当前位置:{crumbs}</div>
<{container} class="post-{skin}"><h1>{escape(article.title)}</h1>
<div class="meta">{meta_line(article, skin)}</div>
<div class="text">{_body(article, paragraphs)}</div>{pager}
</{container}>
<div class="side"><h3>相关阅读</h3><ul>{links}</ul></div>
<div class="foot">Copyright (c) 2024 {escape(site_title)} 版权所有 京ICP备2099{skin:04d}号</div>
</body></html>"""


def listing_page(site_title: str, heading: str, items: Sequence[tuple[str, str]],
                 next_url: str | None, *, charset: str | None = "utf-8",
                 extra_head: str = "", numbered: Sequence[tuple[int, str]] = ()) -> str:
    """A listing: headlines with links, numbered pages and a 下一页 link."""
    head_charset = f'<meta charset="{charset}">' if charset else ""
    rows = "".join(f'<li><a href="{href}">{escape(title)}</a></li>' for href, title in items)
    pages = "".join(f'<a href="{href}">{n}</a> ' for n, href in numbered)
    nxt = f'<a href="{next_url}">下一页</a>' if next_url else ""
    return f"""<!DOCTYPE html><html><head>{head_charset}<title>{escape(heading)} -
{escape(site_title)}</title>{extra_head}</head><body>
<div class="top"><a href="/">{escape(site_title)}</a> <a href="/about">关于</a></div>
<h2>{escape(heading)}</h2><ul class="list">{rows}</ul>
<div class="pager">{pages}{nxt}</div>
<div class="foot">Copyright (c) 2024 {escape(site_title)}</div></body></html>"""


def summary_listing_page(site_title: str, heading: str, items: Sequence[DemoArticle],
                         next_url: str | None, *, url_of: dict[str, str],
                         charset: str | None = "utf-8", intro: str = "",
                         numbered: Sequence[tuple[int, str]] = (), extra_head: str = "",
                         channels: Sequence[tuple[str, str]] = (), style: int = 0) -> str:
    """A listing as portals print it: per article its headline, byline, date and opening
    lines (home, later pages, tag, author and search pages alike)."""
    head_charset = f'<meta charset="{charset}">' if charset else ""
    rows = "".join(_teaser(a, url_of[a.path], style) for a in items)
    pages = "".join(f'<a href="{href}">{n}</a> ' for n, href in numbered)
    nxt = f'<a href="{next_url}">下一页</a>' if next_url else ""
    intro_html = f'<p class="intro">{escape(intro)}</p>' if intro else ""
    nav = "".join(f'<a href="{href}">{escape(label)}</a> ' for href, label in channels)
    return f"""<!DOCTYPE html><html><head>{head_charset}<title>{escape(heading)} -
{escape(site_title)}</title>{extra_head}</head><body>
<div class="top"><a href="/">{escape(site_title)}</a> <a href="/about-us">关于</a>
<form action="/" method="get"><input type="text" name="s"><button>搜索</button></form>
<div class="nav">{nav}</div></div>
<h1>{escape(heading)}</h1>{intro_html}{_list_of(rows, style)}
<div class="pager">{pages}{nxt}</div>
<div class="foot">Copyright (c) 2024 {escape(site_title)} 版权所有</div></body></html>"""


def _list_of(rows: str, style: int) -> str:
    return f'<dl class="list">{rows}</dl>' if style == 2 else f'<div class="news-list">{rows}</div>'


def _teaser(article: DemoArticle, href: str, style: int) -> str:
    """One article as a listing shows it: a portal's item (0), a blog theme's post (1) or an
    older CMS's `dt`/`dd` pair (2), each with a summary long enough to pass for a paragraph."""
    title = escape(article.title)
    summary = escape("".join(article.paragraphs)[:180])
    byline = escape("、".join(article.authors))
    if style == 2:
        # An older CMS: the headline and the summary are sibling `dt`/`dd`, not one item.
        return (f'<dt><a href="{href}" target="_blank">{title}</a>'
                f'<span class="date">{article.published_at:%Y-%m-%d}</span></dt>'
                f'<dd>{summary}<a href="{href}">[详细]</a></dd>')
    if style == 1:
        return (f'<article class="post type-post"><header><h2 class="entry-title">'
                f'<a href="{href}" rel="bookmark">{title}</a></h2><div class="entry-meta">'
                f'<time datetime="{article.published_at.isoformat()}">'
                f'{article.published_at:%Y年%m月%d日}</time> 作者 {byline}</div></header>'
                f'<div class="entry-summary"><p>{summary}[…]</p></div>'
                f'<a class="more-link" href="{href}">继续阅读</a></article>')
    return (f'<div class="news-item"><div class="tit"><a href="{href}">{title}</a></div>'
            f'<p class="summary">{summary}…</p>'
            f'<div class="info">{byline} {article.published_at:%m-%d %H:%M}</div></div>')


def text_page(site_title: str, heading: str, links: Sequence[tuple[str, str]] = (), *,
              charset: str | None = "utf-8") -> str:
    """About, topic or search page: long paragraphs (and maybe links), but no article."""
    head_charset = f'<meta charset="{charset}">' if charset else ""
    rows = "".join(f'<li><a href="{href}">{escape(title)}</a></li>' for href, title in links)
    paras = "".join(f"<p>{p}</p>" for p in ABOUT)
    return f"""<!DOCTYPE html><html><head>{head_charset}<title>{escape(heading)} -
{escape(site_title)}</title></head><body><div class="top"><a href="/">{escape(site_title)}</a>
</div><h1>{escape(heading)}</h1>{paras}<ul>{rows}</ul>
<div class="foot">Copyright (c) 2024 {escape(site_title)}</div></body></html>"""


def rss(base_url: str, title: str, entries: Sequence[tuple[str, DemoArticle]]) -> str:
    """RSS 2.0 of (path, article)."""
    items = "".join(f"<item><title>{escape(a.title)}</title><link>{escape(base_url + p)}</link>"
                    f"<pubDate>{a.published_at:%a, %d %b %Y %H:%M:%S %z}</pubDate></item>"
                    for p, a in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(title)}</title>{items}</channel></rss>")


def atom(base_url: str, title: str, entries: Sequence[tuple[str, DemoArticle]]) -> str:
    """An Atom feed of (path, article)."""
    items = "".join(f'<entry><title>{escape(a.title)}</title>'
                    f'<link rel="alternate" href="{escape(base_url + p)}"/>'
                    f"<updated>{a.published_at.isoformat()}</updated></entry>"
                    for p, a in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title>{items}</feed>")


def sitemap(base_url: str, paths: Sequence[tuple[str, datetime | None]], *,
            news_title: str | None = None) -> str:
    """A sitemap (or news sitemap) of (path, date)."""
    def entry(path: str, when: datetime | None) -> str:
        loc = f"<loc>{escape(base_url + path)}</loc>"
        if news_title and when:
            return (f"<url>{loc}<news:news><news:publication><news:name>{escape(news_title)}"
                    "</news:name><news:language>zh</news:language></news:publication>"
                    f"<news:publication_date>{when.isoformat()}</news:publication_date>"
                    "</news:news></url>")
        return f"<url>{loc}" + (f"<lastmod>{when:%Y-%m-%d}</lastmod>" if when else "") + "</url>"

    news = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news_title else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{news}>'
            + "".join(entry(p, w) for p, w in paths) + "</urlset>")


def sitemap_index(base_url: str, paths: Sequence[str]) -> str:
    """A sitemap index naming other sitemaps."""
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<sitemap><loc>{escape(base_url + p)}</loc></sitemap>" for p in paths)
            + "</sitemapindex>")
