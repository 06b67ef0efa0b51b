"""HTML for the three demo-site layouts: article pages, listings, feeds, sitemaps, robots.txt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from ainews.demo.content import SHANGHAI, DemoArticle

PAGE_SIZE = 12


def relative_date(published: datetime, now: datetime) -> str:
    """Render a publish time the way Chinese WordPress themes do (``8个月前 (04-15)``)."""
    age = now - published
    local, today = published.astimezone(SHANGHAI), now.astimezone(SHANGHAI).date()
    if age < timedelta(minutes=1):
        return "刚刚"
    if age < timedelta(hours=1):
        return f"{age.seconds // 60}分钟前"
    if age < timedelta(hours=24):
        return f"{age.seconds // 3600}小时前"
    if local.date() == today - timedelta(days=1):
        return f"昨天 {local:%H:%M}"
    if local.date() == today - timedelta(days=2):
        return f"前天 {local:%H:%M}"
    if age < timedelta(days=30):
        return f"{age.days}天前"
    if age < timedelta(days=365):
        return f"{age.days // 30}个月前 ({local:%m-%d})"
    return f"{age.days // 365}年前 ({local:%m-%d})"


def _links(articles: Sequence[DemoArticle]) -> str:
    return "".join(
        f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in articles
    )


def _paragraphs(article: DemoArticle) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)


def _comments() -> str:
    return (
        '<div id="comments" class="comments"><h3>网友评论</h3>'
        '<div class="comment"><span class="user">路过的网友</span>'
        "<p>写得很好,期待后续报道国产芯片的进展。</p></div>"
        '<div class="comment"><span class="user">张工</span>'
        "<p>测试数据能不能公开一下原始日志?</p></div></div>"
    )


# ---- layout 1: aigcdaily style ---------------------------------------------------------------

def daily_article(article: DemoArticle, related: Sequence[DemoArticle],
                  redesigned: bool = False) -> str:
    """An article page in the aigcdaily layout (UTF-8, declared).

    ``redesigned`` moves the byline into an image and the breadcrumb into a script: what a
    site's redesign does to an extractor's rules (for layout-drift tests).
    """
    if redesigned:
        page = daily_article(article, related)
        page = page.replace(
            f'<div class="info">作者:{escape(article.authors[0])}发布时间:'
            f'{article.published_at:%Y-%m-%d}</div>', '<div class="info"><img src="/by.png"></div>')
        return page.replace('<div class="position">', '<div class="pos" hidden>').replace(
            "当前位置:", "")
    crumbs = "|".join(f'<a href="/list/1.html">{escape(c)}</a>' for c in article.breadcrumbs)
    tags = "".join(f'<a href="/tag/{escape(t)}.html">{escape(t)}</a> ' for t in article.tags)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{escape(article.title)}_AI日报</title>
<meta name="keywords" content="{escape(",".join(article.tags))}">
<meta name="description" content="{escape(article.paragraphs[0][:60])}">
</head><body>
<div class="header"><a href="/">AI日报</a>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/list/1.html">资讯</a></li>
<li><a href="/about.html">关于我们</a></li><li><a href="/tag/大模型.html">大模型</a></li></ul></div>
<div class="position">当前位置:{crumbs}</div>
<div class="main"><div class="article">
<h1 class="title">{escape(article.title)}</h1>
<div class="info">作者:{escape(article.authors[0])}发布时间:{article.published_at:%Y-%m-%d}</div>
<div class="content">
{_paragraphs(article)}
</div>
<div class="tags">标签:{tags}</div>
<div class="share">分享到:微信 微博 QQ空间</div>
<div class="disclaimer">免责声明:本文内容由作者提供,不代表本站立场。如有侵权请联系删除。</div>
</div>
<div class="related"><h3>相关文章</h3><ul>{_links(related)}</ul></div>
{_comments()}
</div>
<div class="footer"><p>Copyright © 2024 ai-daily.example  智识示例科技有限公司  版权所有  京ICP备2099000001号-1</p></div>
</body></html>"""


def daily_listing(articles: Sequence[DemoArticle], page: int, pages: int) -> str:
    """A listing page of the aigcdaily layout with ``下一页`` pagination."""
    nav = f'<a href="/list/{page + 1}.html">下一页</a>' if page < pages else ""
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>资讯_第{page}页_AI日报</title>
<link rel="alternate" type="application/rss+xml" title="AI日报" href="/rss.xml"></head><body>
<div class="position">当前位置:<a href="/">首页</a>|资讯</div>
<ul class="list">{_links(articles)}</ul>
<div class="pages"><a href="/list/1.html">首页</a>{nav}</div>
<div class="footer">Copyright © 2024 ai-daily.example 京ICP备2099000001号-1</div>
</body></html>"""


# ---- layout 2: WordPress ---------------------------------------------------------------------

def wp_article(article: DemoArticle, related: Sequence[DemoArticle], now: datetime) -> str:
    """An article page in the WordPress layout, its date relative to ``now``."""
    tags = " ".join(f'<a href="/tag/{escape(t)}" rel="tag">{escape(t)}</a>' for t in article.tags)
    return f"""<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="UTF-8">
<title>{escape(article.title)} - 智能前沿</title>
</head><body class="single">
<header id="masthead"><a href="/">智能前沿</a>
<nav><a href="/">首页</a> <a href="/category/{escape(article.category)}">{escape(article.category)}</a>
<a href="/about/">关于</a></nav></header>
<div class="breadcrumb">当前位置:<a href="/">首页</a> &gt; <a href="/category/{escape(article.category)}">{escape(article.category)}</a> &gt; 正文</div>
<article class="post"><header class="entry-header"><h1 class="entry-title">{escape(article.title)}</h1>
<div class="entry-meta"><span class="author">{escape(article.authors[0])}</span> <span class="date">{relative_date(article.published_at, now)}</span> <span class="views">阅读(123)</span> <span class="comments-link">评论(2)</span></div></header>
<div class="entry-content">
{_paragraphs(article)}
<p>扫描二维码关注公众号,获取更多AI资讯。</p>
</div>
<footer class="entry-footer"><div class="post-tags">标签:{tags}</div>
<div class="bdsharebuttonbox">分享到:微信 微博 QQ空间 复制链接</div></footer></article>
<div class="related-posts"><h3>相关推荐</h3><ul>{_links(related)}</ul></div>
{_comments()}
<footer id="colophon"><p>Copyright © 2025 智能前沿 All Rights Reserved. 沪ICP备2099000002号</p>
<p>本站文章仅供学习交流,转载请注明出处。</p></footer>
</body></html>"""


def wp_listing(articles: Sequence[DemoArticle], page: int, pages: int, now: datetime) -> str:
    """The WordPress home page or ``/page/N/`` with ``rel=next`` pagination."""
    items = "".join(
        f'<article class="excerpt"><h2><a href="{a.path}">{escape(a.title)}</a></h2>'
        f"<p>{escape(a.paragraphs[0][:50])}…</p><time>{relative_date(a.published_at, now)}</time>"
        "</article>"
        for a in articles
    )
    nxt = f'<a class="next" rel="next" href="/page/{page + 1}/">下一页</a>' if page < pages else ""
    return f"""<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="UTF-8">
<title>智能前沿 - 第{page}页</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>
<div id="content">{items}</div><nav class="pagination">{nxt}</nav>
<footer id="colophon">Copyright © 2025 智能前沿 沪ICP备2099000002号</footer></body></html>"""


# ---- layout 3: news portal (GBK, no charset anywhere) ----------------------------------------

def portal_article(article: DemoArticle, related: Sequence[DemoArticle]) -> str:
    """An article page in the portal layout; encode it as GBK and declare nothing."""
    crumbs = " &gt; ".join(f'<a href="/tech/index.shtml">{escape(c)}</a>' for c in article.breadcrumbs)
    byline = "、".join(article.authors)
    return f"""<!DOCTYPE html>
<html><head>
<title>{escape(article.title)}|科技频道_示例网</title>
</head><body>
<div class="top"><a href="/">示例网首页</a> | <a href="/tech/index.shtml">科技</a> | <a href="/app.html">客户端下载</a></div>
<div class="crumb">{crumbs} &gt; 正文</div>
<div class="article-wrap">
<h1 class="main-title">{escape(article.title)}</h1>
<div class="date-source"><span class="date">{article.published_at:%Y年%m月%d日 %H:%M}</span> <span class="source">来源:{escape(article.source or "")}</span></div>
<div class="article" id="artibody">
<p>文 | {escape(byline)} 编辑 | {escape(article.editors[0])}</p>
{_paragraphs(article)}
<p class="show_author">责任编辑:{escape(article.editors[0])}</p>
</div>
<div class="app-down">下载示例新闻客户端,随时随地看新闻</div>
<div class="statement">声明:本文版权归原作者所有,转载请注明来源。文章观点不代表本网立场。</div>
</div>
<div class="related"><h3>相关阅读</h3><ul>{_links(related)}</ul></div>
{_comments()}
<div class="footer">版权所有 (C) 2005-2024 示例网 京ICP证2099003号 京公网安备11000000000003号</div>
</body></html>"""


def portal_listing(articles: Sequence[DemoArticle], page: int, pages: int) -> str:
    """The portal channel page ``index.shtml`` / ``index_N.shtml``."""
    nxt = f'<a href="/tech/index_{page + 1}.shtml">下一页</a>' if page < pages else ""
    return f"""<!DOCTYPE html><html><head><title>科技频道_示例网</title></head><body>
<div class="crumb">首页 &gt; 科技</div><ul>{_links(articles)}</ul>
<div class="page">{nxt}</div><div class="footer">版权所有 (C) 2005-2024 示例网</div></body></html>"""


def tag_page(site_title: str, label: str, articles: Sequence[DemoArticle]) -> str:
    """A tag or category page: linked headlines and a one-line excerpt each (not an article)."""
    items = "".join(
        f'<div class="item"><h3><a href="{a.path}">{escape(a.title)}</a></h3>'
        f"<p>{escape(a.paragraphs[0][:40])}…</p></div>"
        for a in articles
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{escape(label)} - {escape(site_title)}</title></head><body>
<div class="nav"><a href="/">首页</a></div><h1>{escape(label)}</h1>{items}
<div class="footer">Copyright © 2024 {escape(site_title)}</div></body></html>"""


# ---- discovery files -------------------------------------------------------------------------

def rss(base_url: str, title: str, articles: Sequence[DemoArticle]) -> str:
    """An RSS 2.0 feed of ``articles``."""
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base_url}{a.path}</link>"
        f"<pubDate>{a.published_at:%a, %d %b %Y %H:%M:%S %z}</pubDate></item>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{base_url}/</link>{items}</channel></rss>"
    )


def sitemap(base_url: str, articles: Sequence[DemoArticle]) -> str:
    """A sitemap listing ``articles``."""
    urls = "".join(
        f"<url><loc>{base_url}{a.path}</loc><lastmod>{a.published_at:%Y-%m-%d}</lastmod></url>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def news_sitemap(base_url: str, title: str, articles: Sequence[DemoArticle]) -> str:
    """A news sitemap: publication dates, no ``lastmod``."""
    urls = "".join(
        f"<url><loc>{base_url}{a.path}</loc><news:news><news:publication><news:name>"
        f"{escape(title)}</news:name><news:language>zh</news:language></news:publication>"
        f"<news:publication_date>{a.published_at.isoformat()}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )


def robots(base_url: str, disallowed_prefix: str) -> str:
    """A robots.txt that forbids one folder and names the sitemaps."""
    return (f"User-agent: *\nDisallow: {disallowed_prefix}\n\nSitemap: {base_url}/sitemap.xml\n"
            f"Sitemap: {base_url}/news-sitemap.xml\n")


def about_page(site_title: str) -> str:
    """A non-article page every site has."""
    return (
        f"<html><head><meta charset='utf-8'><title>关于我们 - {escape(site_title)}</title></head>"
        f"<body><h1>关于我们</h1><p>{escape(site_title)}是一个演示站点。</p></body></html>"
    )
