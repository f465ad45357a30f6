"""govkg benchmark: queries and export on about a million triples, govkg (Oxigraph) side by side
with rdflib's in-memory engine in the same run, plus the start-up time of a `govkg query` process.

    .venv/bin/python bench/run.py                 # about 1M triples (takes a few minutes)
    .venv/bin/python bench/run.py --articles 50   # a quick look

The corpus is synthetic: articles made by recombining the paragraphs of the sample corpus
(../shared/corpus, or examples/corpus where that is absent) under invented place names.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT.parent / "shared" / "corpus", ROOT / "examples" / "corpus"]
SYLLABLES = "安宁平和兴华新光明青山绿水金沙银河龙凤东西南北江河湖海松竹梅兰桃李春秋云霞星月"
PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}?(省|市|区|县|街道|镇|社区|村|小区)")


def invented_name(rng: random.Random, suffix: str) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(2)) + suffix


def _renamer(rng: random.Random, fixed: dict[str, str]):
    """A re.sub callback giving each place name of one article the same invented name throughout."""
    names: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        key = match.group(0)
        if key not in names:
            suffix = match.group(1)
            names[key] = fixed.get(suffix) or invented_name(rng, suffix)
        return names[key]

    return rename


def make_corpus(folder: Path, articles: int, seed: int = 7) -> None:
    """Write `articles` files, each a recombination of sample paragraphs about invented places."""
    source = next(s for s in SOURCES if s.is_dir())
    paragraphs = [
        p.strip() for f in sorted(source.glob("*.txt"))
        for p in f.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 60
    ]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(articles):
        province, city = invented_name(rng, "省"), invented_name(rng, "市")
        district = invented_name(rng, "区")
        rename = _renamer(rng, {"省": province, "市": city, "区": district})
        body = "\n\n".join(PLACE.sub(rename, p) for p in rng.sample(paragraphs, k=min(8, len(paragraphs))))
        title = f"{province}{city}{district}：党建引领基层治理（{i}）"
        (folder / f"article-{i:05d}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def timed_in_child(func, limit: float) -> tuple[float, int | None]:
    """Time func() in a forked child (which shares the loaded data); past `limit` seconds it is
    stopped and the time is reported as at least `limit`. Returns (seconds, len(result))."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def child():
        start = time.perf_counter()
        result = func()
        queue.put((time.perf_counter() - start, len(result)))

    process = context.Process(target=child)
    start = time.perf_counter()
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        process.join()
        return time.perf_counter() - start, None
    return queue.get()


def timed(func, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2400)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each govkg measurement (median)")
    parser.add_argument("--limit", type=float, default=900, help="seconds an rdflib measurement may take")
    args = parser.parse_args()

    import rdflib

    from govkg.graph.build import build
    from govkg.graph.store import GraphStore
    from govkg.queries import bind_parameters, named_queries, run_query

    work = Path(tempfile.mkdtemp(prefix="govkg-bench-"))
    corpus, store_path = work / "corpus", work / "store"
    make_corpus(corpus, args.articles)
    start = time.perf_counter()
    report = build([corpus], store_path)
    build_seconds = time.perf_counter() - start
    store = GraphStore(store_path)
    print(f"corpus: {args.articles} articles; build: {build_seconds:.1f} s; {report.triples} quads in the store")

    dump = store.dump("nquads")
    start = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=dump, format="nquads")
    print(f"rdflib: parsed the same {len(dump) / 1e6:.0f} MB of N-Quads in {time.perf_counter() - start:.1f} s")

    queries = {
        "trace": bind_parameters(named_queries()["trace"].text, {"mechanism": "1+3+N"}),
        "adoptions": named_queries()["adoptions"].text,
    }
    rows = []
    for name, text in queries.items():
        params = {"mechanism": "1+3+N"} if name == "trace" else {}
        ours, result = timed(lambda name=name, params=params: run_query(store, name, params), args.repeat)
        theirs, count = timed_in_child(lambda text=text: list(dataset.query(text)), args.limit)
        if count is not None:
            assert count == len(result[1]), (name, count, len(result[1]))
        rows.append((f"query {name} ({len(result[1])} rows)", ours, theirs, count is None))

    ours, data = timed(lambda: store.dump("trig"), args.repeat)
    theirs, count = timed_in_child(lambda: dataset.serialize(format="trig"), args.limit)
    rows.append((f"export trig ({len(data) / 1e6:.0f} MB)", ours, theirs, count is None))

    govkg = str(Path(sys.executable).with_name("govkg"))
    startup, _ = timed(lambda: subprocess.run([govkg, "query", "--list"], check=True, capture_output=True), args.repeat)
    full, _ = timed(
        lambda: subprocess.run([govkg, "query", "trace", "--param", "mechanism=1+3+N", "--store", str(store_path),
                                "--format", "csv"], check=True, capture_output=True),
        args.repeat,
    )

    print()
    print("| measurement | govkg (Oxigraph) | rdflib in memory | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for label, ours, theirs, stopped in rows:
        at_least = "> " if stopped else ""
        print(f"| {label} | {ours:.3f} s | {at_least}{theirs:.1f} s | {at_least}{theirs / ours:.0f}x |")
    print()
    print(f"`govkg query --list` process: {startup:.2f} s; `govkg query trace ...` process on this store: {full:.2f} s")
    print(f"(store folder: {store_path})")


if __name__ == "__main__":
    main()
