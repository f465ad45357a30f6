"""govkg benchmark at corpus scale: `govkg build` of 2,000, 5,000 and 20,000 synthetic articles with
the default workers, side by side with plain jieba.cut over the same text in one process, the peak
memory of the largest process of the build (the main one or a worker), and a rebuild after one
file changed as a share of the full build.

    .venv/bin/python bench/corpus_scale.py                      # 2000,5000,20000 (about an hour)
    .venv/bin/python bench/corpus_scale.py --sizes 200,500      # a quick look

Memory is sampled from /proc every 0.2 s over the build's process and its children (VmRSS).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import make_corpus  # noqa: E402 (the synthetic corpus of the query benchmark)


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def timed_build(args: list[str]) -> tuple[float, int]:
    """Seconds of a `govkg build` run, and the peak RSS (MiB) of its largest process."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "govkg.cli", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        pids = [process.pid, *_children(process.pid)]
        peak = max([peak, *(_rss_kib(p) for p in pids)])
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"build failed: {err.strip()}")
    return seconds, peak // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000,20000")
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            corpus, store = Path(tmp) / "corpus", Path(tmp) / "store"
            make_corpus(corpus, size)
            texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
            characters = sum(len(t) for t in texts)
            started = time.perf_counter()
            for text in texts:
                list(tokenizer.cut(text))
            cut_seconds = time.perf_counter() - started
            build_seconds, peak = timed_build(["build", str(corpus), "--store", str(store), "--quiet"])
            changed = sorted(corpus.glob("*.txt"))[size // 2]
            changed.write_text(changed.read_text(encoding="utf-8") + "\n桐溪区推行积分制管理。\n", encoding="utf-8")
            rebuild_seconds, _ = timed_build(["build", str(corpus), "--store", str(store), "--quiet"])
            rows.append((size, characters, cut_seconds, build_seconds, peak, rebuild_seconds))
            print(f"{size} articles done: build {build_seconds:.0f} s, peak {peak} MiB", file=sys.stderr, flush=True)
    print("| articles | characters | jieba.cut s | build s | build / jieba.cut throughput | s per 1,000 articles "
          "| peak MiB (largest process) | rebuild after one change s | rebuild / build |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, characters, cut_seconds, build_seconds, peak, rebuild_seconds in rows:
        print(f"| {size:,} | {characters:,} | {cut_seconds:.1f} | {build_seconds:.1f} | {cut_seconds / build_seconds:.2f}x "
              f"| {1000 * build_seconds / size:.1f} | {peak} | {rebuild_seconds:.1f} | {rebuild_seconds / build_seconds:.1%} |")


if __name__ == "__main__":
    main()
