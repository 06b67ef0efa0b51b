"""Scrapy item pipelines of ainews, and the pure extraction functions they wrap."""
