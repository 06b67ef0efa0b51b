"""Discovery of a site nobody described: URL templates learned from what fetched pages are."""
