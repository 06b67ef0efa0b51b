"""The ainews application: every entry point (the ``ainews`` command line, the crawl runner,
jobs, schedules, worker seeding, ``scrapy parse``, the demo and zoo servers).

It imports everything below it (``pipelines``, ``crawler``, ``extractor``, ``archive``,
``report``); nothing imports it.
"""
