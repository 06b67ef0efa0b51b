"""Tests of the `extractor` package."""
