"""Writers take turns: one process at a time writes a store (build, import, remove).

The lock is an advisory `flock` on a file beside the store (`.STORE.lock`), which the kernel
releases when its process ends however it ends (even SIGKILL), so a crashed writer never leaves
the store locked. The file holds the writer's process id and command, for the message another
writer prints while it waits.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from govkg.errors import StoreError

POLL_SECONDS = 0.2


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(f".{store_path.name}.lock")


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return "another process"
    pid, _, command = text.partition(" ")
    return f"process {pid} ({command})" if pid.isdigit() else "another process"


@contextmanager
def writing(store_path: str | os.PathLike, *, wait: bool = True,
            on_wait: Callable[[str], None] | None = None, command: str | None = None):
    """Hold the store's write lock for the block. If another process holds it: wait for it
    (telling `on_wait` once, with a line naming that process), or with `wait=False` raise
    StoreError naming it."""
    store_path = Path(store_path)
    path = lock_path(store_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the block)
    try:
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if not wait:
                    raise StoreError(
                        f"{store_path}: being written by {holder}; try again when it is done, or leave out --no-wait to wait"
                    ) from None
                if not told and on_wait is not None:
                    on_wait(f"{store_path}: waiting for {holder} to finish writing it")
                    told = True
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {command or ' '.join(['govkg', *sys.argv[1:2]])}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock
