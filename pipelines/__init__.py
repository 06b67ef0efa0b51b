"""Scrapy item pipelines of ainews: extraction (a shell over the ``extractor`` library), archive."""
