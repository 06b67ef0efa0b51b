"""Tests of the `ainews` package."""
