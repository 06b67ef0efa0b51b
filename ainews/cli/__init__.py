"""The ``ainews`` command line, on click: one module per group of commands, each thin over
the library calls it makes (``archive``, ``crawler``, ``pipelines``, ``report``)."""

from ainews.cli.app import ainews, main

__all__ = ["ainews", "main"]
