"""For ``scrapyd-deploy``, which builds its egg with ``setup.py bdist_egg``; pyproject.toml
holds the metadata, packages and the ``scrapy`` settings entry point."""

from setuptools import setup

setup()
