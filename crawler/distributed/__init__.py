"""Many crawl workers on one Redis frontier (scrapy-redis), each request leased until done.

``keys`` names every Redis key, ``leases`` makes a taken request come back when its worker
dies, ``queue`` is the scrapy-redis queue that takes requests under a lease, ``tracking``
returns each lease once its request's outcome is durable, ``politeness`` holds one site's
delay across all workers. Seeding the frontier is the application's (``ainews.frontier``).
"""
