"""jieba's common words, read from the dictionary once and from a cache file after."""

from __future__ import annotations

import importlib.resources

from extractor import names


def test_the_cache_holds_exactly_the_dictionarys_common_words(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    names._common_words.cache_clear()
    try:
        built = names._common_words()
        cached = list((tmp_path / "ainews").glob("common-words-*.txt"))
        assert len(cached) == 1 and "毕竟" in built and "商城" in built
        names._common_words.cache_clear()
        assert names._common_words() == built  # now from the cache
        with importlib.resources.as_file(
                importlib.resources.files("jieba").joinpath("dict.txt")) as dictionary:
            assert names._read_common_words(dictionary) == built
    finally:
        names._common_words.cache_clear()


def test_no_writable_cache_still_gives_the_words(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    names._common_words.cache_clear()
    try:
        assert names.is_common_word("毕竟") and not names.is_common_word("林若川")
    finally:
        names._common_words.cache_clear()
