"""The site zoo: generated sites, each with its own URL scheme and discovery situation, for
discovery tests and ``bench/discovery.py`` (``make demo`` keeps its three sites)."""
