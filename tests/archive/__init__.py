"""Tests of the `archive` package."""
