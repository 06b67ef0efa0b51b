"""The ainews Scrapy project, only what runs inside a crawl: settings, items, stats keys,
spiders, site profiles, discovery with its page classifier, middlewares, extensions and the
distributed (scrapy-redis) components. The application that starts crawls is ``ainews``."""
