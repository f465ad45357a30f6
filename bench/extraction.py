"""govkg benchmark: build throughput against plain jieba.cut over the same text, side by side in
one run, with the seconds of every phase and extraction step, and jieba.posseg against govkg's
Tagger (same tokens and tags) on the same sentences.

    .venv/bin/python bench/extraction.py                 # 300 synthetic articles
    .venv/bin/python bench/extraction.py --articles 50   # a quick look

Throughput is characters of text per second; ratios are govkg / jieba.cut, so 0.5x means the
whole build (read, extract, RDF, write) runs at half the speed of segmenting the text alone.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import make_corpus  # noqa: E402 (the synthetic corpus of the query benchmark)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    import jieba

    from govkg.extract import find_sources, read_source
    from govkg.extract.normalize import normalize, split_sentences
    from govkg.graph.build import build

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        make_corpus(corpus, args.articles)
        texts = [read_source(s.path).text for s in find_sources([corpus])]
        characters = sum(len(t) for t in texts)
        print(f"corpus: {len(texts)} articles, {characters} characters")

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        started = time.perf_counter()
        for text in texts:
            list(tokenizer.cut(text))
        cut_seconds = time.perf_counter() - started

        started = time.perf_counter()
        report = build([corpus], Path(tmp) / "store", workers=args.workers)
        build_seconds = time.perf_counter() - started

        print("\n| measurement | seconds | characters/s | ratio to jieba.cut |\n| --- | ---: | ---: | ---: |")
        print(f"| jieba.cut over the texts | {cut_seconds:.2f} | {characters / cut_seconds:,.0f} | 1.00x |")
        print(f"| govkg build --workers {args.workers} into a fresh store | {build_seconds:.2f} | "
              f"{characters / build_seconds:,.0f} | {cut_seconds / build_seconds:.2f}x |")
        print("\n| phase or step | seconds | share |\n| --- | ---: | ---: |")
        for phase, seconds in report.timings.items():
            print(f"| {phase} | {seconds:.2f} | {seconds / build_seconds:.0%} |")
        rest = build_seconds - sum(report.timings.values())
        print(f"| other (opening and closing the store, joining places) | {rest:.2f} | {rest / build_seconds:.0%} |")

        from govkg.extract import Extractor

        extractor = Extractor()
        sentences = []
        for source in find_sources([corpus]):
            normalized = normalize(read_source(source.path))
            sentences += [normalized.fold[s.start : s.end] for s in split_sentences(normalized)]
        started = time.perf_counter()
        reference = [extractor.tagger.reference_pairs(s) for s in sentences]
        posseg_seconds = time.perf_counter() - started
        started = time.perf_counter()
        tagged = [extractor.tagger.pairs(s) for s in sentences]
        tagger_seconds = time.perf_counter() - started
        differ = sum(a != b for a, b in zip(tagged, reference, strict=True))
        print(f"\ntagging {len(sentences)} sentences: jieba.posseg {posseg_seconds:.2f} s, govkg Tagger "
              f"{tagger_seconds:.2f} s ({posseg_seconds / tagger_seconds:.1f}x); sentences tagged differently: {differ}")


if __name__ == "__main__":
    main()
