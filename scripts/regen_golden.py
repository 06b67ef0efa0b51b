"""Regenerate the golden JSON of every page in tests/fixtures/golden from the current extractor.

Usage: python scripts/regen_golden.py [--demo]

Review the diff before committing: the JSON is the expected output, so a wrong value written
here becomes a wrong test. ``--demo`` first stores one page of each demo layout.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from extractor import ExtractOptions, FieldOverride, explain, extract_article

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
GOLDEN = FIXTURES / "golden"
SITES = FIXTURES / "sites"
EXPLAINED = GOLDEN / "explain"
"""Golden pages whose ``ainews extract --explain`` output is pinned too."""
FETCHED_AT = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)
FIELDS = ("title", "authors", "editors", "source", "published_at", "published_raw",
          "updated_at", "category", "breadcrumbs", "tags", "lang", "text")


def page_url(name: str) -> str:
    """The URL each golden page is extracted as."""
    return f"https://www.example.cn/golden/{name}.html"


def expected(html: bytes, name: str, overrides: dict[str, FieldOverride] | None = None,
             url: str | None = None) -> dict[str, object]:
    """The fields the golden test compares, as JSON values."""
    article = extract_article(html, url or page_url(name), ExtractOptions(
        fetched_at=FETCHED_AT, overrides=overrides or {}))
    if article is None:
        return {"article": None}
    values = {field: getattr(article, field) for field in FIELDS}
    return {k: v.isoformat() if isinstance(v, datetime) else list(v) if isinstance(v, tuple)
            else v for k, v in values.items()}


def explained(html: bytes, name: str) -> str:
    """``--explain`` output of a golden page, as the pinned test compares it."""
    article = extract_article(html, page_url(name), ExtractOptions(fetched_at=FETCHED_AT,
                                                                    explain=True))
    return explain(article) if article is not None else "no article\n"


def site_pages() -> list[tuple[str, Path]]:
    """Every stored page of a profile with overrides: (profile name, page path)."""
    return [(folder.name, page) for folder in sorted(SITES.iterdir()) if folder.is_dir()
            for page in sorted(folder.glob("*.html.gz"))]


def site_expected(name: str, page: Path) -> dict[str, object]:
    """The fields a profile's stored page gives with the profile's overrides."""
    import gzip

    from crawler.sites import get_profile

    url = (page.with_name(page.name.replace(".html.gz", ".url")).read_text().strip())
    return expected(gzip.decompress(page.read_bytes()), name, get_profile(name).overrides,
                    url=url)


def store_demo_pages() -> None:
    """Freeze one article page of each demo layout (the WordPress one at FETCHED_AT)."""
    from ainews.demo.site import build_sites

    for site in build_sites(FETCHED_AT):
        article = site.articles[3]
        body = site.render(article.path, "https://www.example.cn", now=FETCHED_AT).body
        (GOLDEN / f"{site.name}.html").write_bytes(body)


def main() -> int:
    """Write ``<name>.json`` beside every ``<name>.html``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="store the demo layout pages first")
    args = parser.parse_args()
    if args.demo:
        store_demo_pages()
    for page in sorted(GOLDEN.glob("*.html")):
        result = expected(page.read_bytes(), page.stem)
        page.with_suffix(".json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {page.with_suffix('.json').name}")
    for text in sorted(EXPLAINED.glob("*.txt")):
        page = GOLDEN / f"{text.stem}.html"
        text.write_text(explained(page.read_bytes(), page.stem), encoding="utf-8")
        print(f"wrote explain/{text.name}")
    for name, page in site_pages():
        target = page.with_name(page.name.replace(".html.gz", ".json"))
        target.write_text(json.dumps(site_expected(name, page), ensure_ascii=False, indent=2)
                          + "\n", encoding="utf-8")
        print(f"wrote sites/{name}/{target.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
