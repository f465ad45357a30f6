"""Shared fixtures: stores built once per session from the example corpus and the sample corpus."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from govkg.graph.build import build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "corpus"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
SHARED_GOLD = ROOT.parent / "shared" / "gold" / "corpus-gold.json"



def pytest_configure(config):
    # The tests' own cache of the gazetteer and jieba's dictionary (govkg.ontology.cache), for
    # this process and the govkg processes tests start: none is written into the user's.
    os.environ["GOVKG_CACHE_DIR"] = tempfile.mkdtemp(prefix="govkg-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ.pop("GOVKG_CACHE_DIR", ""), ignore_errors=True)


needs_shared = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus is not beside the repo")


@pytest.fixture(scope="session")
def example_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("example") / "store"
    build([EXAMPLES], store)
    return store


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repo")
    store = tmp_path_factory.mktemp("sample") / "store"
    build([SHARED_CORPUS], store)
    return store


@functools.cache
def default_extractor():
    """One Extractor of the shipped thesaurus for the whole test session (making one loads jieba)."""
    from govkg.extract import Extractor

    return Extractor()


def extract(source):
    return default_extractor()(source)


def assert_told_to_add_a_main_guard(script: Path) -> None:
    """Run `script` (one that extracts or builds with workers at import, without a main guard):
    it must stop with exit 1 and the main-guard advice as its last line, never hang."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240,
                          cwd=script.parent)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "govkg.errors.ExtractionError: an extraction worker process stopped unexpectedly (a script that extracts "
        'with workers must run under `if __name__ == "__main__":`, as worker processes import it again)')
