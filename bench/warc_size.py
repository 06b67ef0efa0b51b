"""Bytes per stored page: the archive's ``pages`` table beside the same pages as WARC.gz.

Usage: python bench/warc_size.py

Crawls the three demo sites (240 articles) into a fresh archive, exports the stored responses
with ``ainews export --format warc``, and prints one table: pages, bytes of the ``pages``
table's data files (zstd Parquet, as the Delta log lists them), bytes of the WARC.gz (request
and response records, gzip per record), both per page and their ratio. Every figure is
measured in this run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from deltalake import DeltaTable

from ainews.demo.server import DemoServer

AINEWS = str(Path(sys.executable).parent / "ainews")


def main() -> None:
    """Crawl, export, measure, print."""
    with tempfile.TemporaryDirectory(prefix="ainews-warc-") as folder, \
            DemoServer(ports={}) as server:
        root = Path(folder) / "archive"
        for site in ("demo-daily", "demo-wp", "demo-portal"):
            subprocess.run([AINEWS, "--archive", str(root), "--log-level=WARNING", "crawl", site,
                            "--base-url", server.base_url(site), "--jobs-dir",
                            str(Path(folder) / "jobs")], check=True, capture_output=True)
        subprocess.run([AINEWS, "--archive", str(root), "maintain"], check=True,
                       capture_output=True)
        warc = Path(folder) / "pages.warc.gz"
        subprocess.run([AINEWS, "--archive", str(root), "export", "--format", "warc", "--out",
                        str(warc)], check=True, capture_output=True)
        table = DeltaTable(str(root / "pages"))
        actions = table.get_add_actions(flatten=True)
        pages = sum(actions.column("num_records").to_pylist())
        parquet = sum(actions.column("size_bytes").to_pylist())
        warc_bytes = warc.stat().st_size
    print("store | pages | bytes | bytes per page | × pages table")
    print("--- | --- | --- | --- | ---")
    print(f"`pages` table (zstd Parquet, compacted) | {pages} | {parquet:,} | "
          f"{parquet / pages:,.0f} | 1.00")
    print(f"WARC.gz (request + response records) | {pages} | {warc_bytes:,} | "
          f"{warc_bytes / pages:,.0f} | {warc_bytes / parquet:.2f}")


if __name__ == "__main__":
    main()
