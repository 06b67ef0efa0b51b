"""``ainews report``: one self-contained HTML file of charts and tables over an archive."""

from report.data import Scope
from report.page import report_html, write_report

__all__ = ["Scope", "report_html", "write_report"]
