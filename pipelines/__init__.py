"""Every route from a fetched page to an archive row: ``route`` (the one function chain all of
them share), the crawl's Scrapy pipelines (``extraction`` in a process pool, ``archiving`` in
atomic batches), ``reextract`` over stored pages and ``warc_import``."""
