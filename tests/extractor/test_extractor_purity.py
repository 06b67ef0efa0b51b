"""The extractor is a pure library: it imports no Scrapy and none of our other packages, and
reads no clock (the fetch time comes in through ExtractOptions)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.conftest import REPO

SCRIPT = """
import json, sys
from datetime import UTC, datetime
from extractor import ExtractOptions, extract_article
page = open("tests/fixtures/aigcdaily_article.html", "rb").read()
article = extract_article(page, None, ExtractOptions(fetched_at=datetime(2026, 1, 1, tzinfo=UTC)))
top = {name.split(".")[0] for name in sys.modules}
print(json.dumps({"title": article.title,
                  "ours": sorted(top & {"scrapy", "crawler", "pipelines", "archive", "twisted"})}))
"""


def test_extracting_loads_neither_scrapy_nor_the_crawl_packages():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True,
                          text=True, check=True, timeout=120)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["title"] and report["ours"] == []


def test_the_extractor_never_reads_the_clock():
    clock = re.compile(r"\b(?:datetime|date)\.(?:now|today|utcnow)\(|\btime\.time\(")
    offenders = [str(path.relative_to(REPO)) for path in (REPO / "extractor").glob("*.py")
                 if clock.search(path.read_text(encoding="utf-8"))]
    assert offenders == [], "pass the time in through ExtractOptions.fetched_at"
