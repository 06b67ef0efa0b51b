"""The ainews Scrapy project: settings, items, spiders, site profiles and middlewares."""
