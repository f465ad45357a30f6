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
import signal
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


def timed_with_limit(func, limit: float) -> tuple[float, int | None]:
    """Time func() in this process; past `limit` seconds it is interrupted (rdflib is pure Python,
    so the alarm lands between two bytecodes) and the time is reported as at least `limit`.
    Returns (seconds, len(result)), with None for an interrupted run."""

    def stop(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        result = func()
        return time.perf_counter() - start, len(result)
    except TimeoutError:
        return time.perf_counter() - start, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    parser.add_argument("--store", type=Path, help="measure this existing store instead of building a corpus")
    args = parser.parse_args()

    import rdflib

    from govkg.graph.build import build
    from govkg.graph.store import GraphStore
    from govkg.queries import bind_parameters, named_queries, run_query

    if args.store:
        store_path = args.store
        print(f"store: {store_path} (not rebuilt)")
    else:
        work = Path(tempfile.mkdtemp(prefix="govkg-bench-"))
        corpus, store_path = work / "corpus", work / "store"
        make_corpus(corpus, args.articles)
        start = time.perf_counter()
        build([corpus], store_path)
        print(f"corpus: {args.articles} articles; build: {time.perf_counter() - start:.1f} s")
    on_disk = GraphStore(store_path)
    print(f"{len(on_disk.dump('nquads').splitlines())} quads in the store; "
          f"folder {sum(f.stat().st_size for f in store_path.iterdir()) / 1e6:.0f} MB")

    start = time.perf_counter()
    in_memory = on_disk.in_memory()
    memory_load = time.perf_counter() - start
    dump = on_disk.dump("nquads")
    start = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=dump, format="nquads")
    rdflib_load = time.perf_counter() - start
    print(f"loading into memory: govkg in_memory() {memory_load:.1f} s; "
          f"rdflib parsing the same {len(dump) / 1e6:.0f} MB of N-Quads {rdflib_load:.1f} s")

    queries = {
        "trace": ({"mechanism": "1+3+N"}, bind_parameters(named_queries()["trace"].sparql, {"mechanism": "1+3+N"})),
        "adoptions": ({}, named_queries()["adoptions"].sparql),
    }
    rows = []
    for name, (params, text) in queries.items():
        disk, result = timed(lambda params=params, name=name: run_query(on_disk, name, params), args.repeat)
        memory, memory_result = timed(lambda params=params, name=name: run_query(in_memory, name, params), args.repeat)
        assert memory_result == result, name
        theirs, count = timed_with_limit(lambda text=text: list(dataset.query(text)), args.limit)
        if count is not None:
            assert count == len(result[1]), (name, count, len(result[1]))
        rows.append((f"query {name} ({len(result[1])} rows)", disk, memory, theirs, count is None))

    disk, data = timed(lambda: on_disk.dump("trig"), args.repeat)
    memory, _ = timed(lambda: in_memory.dump("trig"), args.repeat)
    theirs, count = timed_with_limit(lambda: dataset.serialize(format="trig"), args.limit)
    rows.append((f"export trig ({len(data) / 1e6:.0f} MB)", disk, memory, theirs, count is None))

    govkg = str(Path(sys.executable).with_name("govkg"))
    startup, _ = timed(lambda: subprocess.run([govkg, "query", "--list"], check=True, capture_output=True), args.repeat)
    full, _ = timed(
        lambda: subprocess.run([govkg, "query", "trace", "--param", "mechanism=1+3+N", "--store", str(store_path),
                                "--format", "csv"], check=True, capture_output=True),
        args.repeat,
    )

    print()
    print("| measurement | govkg, store on disk | govkg, store in memory | rdflib in memory "
          "| ratio, on disk | ratio, in memory |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, disk, memory, theirs, stopped in rows:
        at_least = "> " if stopped else ""
        print(f"| {label} | {disk:.3f} s | {memory:.3f} s | {at_least}{theirs:.1f} s "
              f"| {at_least}{theirs / disk:.0f}x | {at_least}{theirs / memory:.0f}x |")
    print()
    print(f"`govkg query --list` process: {startup:.2f} s; `govkg query trace ...` process on this store: {full:.2f} s")
    print(f"(store folder: {store_path})")


if __name__ == "__main__":
    main()
