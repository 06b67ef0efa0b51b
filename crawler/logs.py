"""Crawl logs a person can read: a failed download is one line, not a traceback."""

from __future__ import annotations

import logging

from scrapy import exceptions

# What the network does to a crawl every day: the message names the URL and the cause, and a
# traceback through Twisted and Scrapy's internals adds nothing a user can act on.
_NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    exceptions.DownloadConnectionRefusedError, exceptions.CannotResolveHostError,
    exceptions.DownloadTimeoutError, exceptions.DownloadCancelledError,
    exceptions.DownloadFailedError, exceptions.ResponseDataLossError,
    exceptions.IgnoreRequest, ConnectionError, TimeoutError,
)


class NetworkTracebackFilter(logging.Filter):
    """Drop the traceback of a log record whose exception is a network failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record; strip the traceback of network failures."""
        if record.exc_info and isinstance(record.exc_info[1], _NETWORK_ERRORS):
            message, cause = record.getMessage(), str(record.exc_info[1])
            if cause and cause not in message:
                record.msg, record.args = f"{message}: {cause}", ()
            record.exc_info, record.exc_text = None, None
        return True


def install() -> None:
    """Filter every handler of the root logger (where Scrapy logs)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, NetworkTracebackFilter) for f in handler.filters):
            handler.addFilter(NetworkTracebackFilter())
