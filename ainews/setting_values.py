"""``--set KEY=VALUE`` checked at the door: a known setting, a value of its type and range."""

from __future__ import annotations

import json
import math
from typing import Any

from scrapy.settings import default_settings

from crawler import settings as project

# Lower bounds of numeric settings; absent ones must merely be numbers. Negative counts, sizes
# and delays hang a crawl or turn a limit off (DOWNLOAD_MAXSIZE=-1) without a word.
_AT_LEAST: dict[str, float] = {
    "CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "CONCURRENT_REQUESTS_PER_IP": 0, "CONCURRENT_ITEMS": 1, "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": 0.001, "DOWNLOAD_MAXSIZE": 0, "DOWNLOAD_WARNSIZE": 0,
    "RETRY_TIMES": 0, "REDIRECT_MAX_TIMES": 0, "DEPTH_LIMIT": 0, "URLLENGTH_LIMIT": 0,
    "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_MAX_DELAY": 0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 0.01, "CLOSESPIDER_TIMEOUT": 0,
    "CLOSESPIDER_ITEMCOUNT": 0, "CLOSESPIDER_PAGECOUNT": 0, "CLOSESPIDER_ERRORCOUNT": 0,
    "EXTRACT_MIN_CHARS": 0, "EXTRACT_WORKERS": -1, "EXTRACT_TIMEOUT": 0.001,
    "EXTRACT_MAX_BYTES": 1024, "ARCHIVE_BATCH_SIZE": 1, "ARCHIVE_FLUSH_SECONDS": 0.001,
    "ARCHIVE_PROCESS_RECYCLE": 1, "REVISIT_WINDOW_DAYS": 0, "REVISIT_MAX": 0,
    "LISTING_MAX_PAGES": 1, "PROGRESS_LOG_INTERVAL": 0.1, "DISCOVERY_MAX_PAGES": 1,
    "SITEMAP_MAX_DEPTH": 0, "SITEMAP_MAX_FILES": 0,
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "LOG_LEVEL": ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"),
    "PROGRESS": ("auto", "live", "log", "off"),
}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def defaults() -> dict[str, Any]:
    """Every setting name known here with its default: Scrapy's, then ours."""
    known = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    known.update({k: getattr(project, k) for k in dir(project) if k.isupper()})
    return known


def parse_setting(key: str, raw: str) -> Any:
    """The value of ``--set key=raw`` in the setting's own type; ValueError saying why not."""
    known = defaults()
    if key not in known:
        close = sorted(k for k in known if k.split("_")[0] == key.split("_")[0])[:3]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ValueError(f"--set {key}: no such setting{hint}")
    default = known[key]
    value: Any
    if isinstance(default, bool):
        if raw.strip().lower() not in (*_TRUE, *_FALSE):
            raise ValueError(f"--set {key}: needs true or false, got {raw!r}")
        value = raw.strip().lower() in _TRUE
    elif isinstance(default, int | float) and not isinstance(default, bool):
        value = _number(key, raw, integral=isinstance(default, int) and key not in (
            "DOWNLOAD_DELAY", "DOWNLOAD_TIMEOUT"))
    elif isinstance(default, dict | list | tuple):
        try:
            value = json.loads(raw)
        except ValueError:
            raise ValueError(f"--set {key}: needs JSON ({type(default).__name__}), "
                             f"got {raw!r}") from None
        if not isinstance(value, dict if isinstance(default, dict) else list):
            raise ValueError(f"--set {key}: needs a JSON {type(default).__name__}")
    else:
        value = raw
    choices = _CHOICES.get(key)
    if choices is not None and value not in choices:
        raise ValueError(f"--set {key}: one of {', '.join(choices)}, got {raw!r}")
    return value


def _number(key: str, raw: str, *, integral: bool) -> int | float:
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"--set {key}: needs a number, got {raw!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"--set {key}: needs a finite number, got {raw!r}")
    if integral and not number.is_integer():
        raise ValueError(f"--set {key}: needs a whole number, got {raw!r}")
    low = _AT_LEAST.get(key)
    if low is not None and number < low:
        raise ValueError(f"--set {key}: must be at least {low:g}, got {raw!r}")
    return int(number) if integral else number
