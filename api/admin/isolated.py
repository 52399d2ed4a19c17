"""Run an upload's conversion in a separate process with a time and memory limit, so a hostile or merely
huge file (a 6 KiB .docx of 20,000 paragraphs, a zip bomb) cannot stall the app's event loop or exhaust
its memory. The child is forked from a small server process, not from the threaded app."""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable

from api.admin.convert import ConversionError

TIMEOUT_S = 15.0
MEMORY_BYTES = 1 << 30  # 1 GiB of address space for the child


def _child(conn, func: Callable, args: tuple) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    try:
        conn.send(("ok", func(*args)))
    except ConversionError as refusal:
        conn.send(("refused", str(refusal)))
    except MemoryError:
        conn.send(("refused", "文件解开后太大，无法处理。"))
    except Exception:  # a file the parsers choke on is a bad file, not a server error
        conn.send(("refused", "无法读取该文件，请检查文件是否损坏。"))
    finally:
        conn.close()


def run_isolated(func: Callable, *args, timeout_s: float = TIMEOUT_S):
    """func(*args) in a child process; ConversionError when it refuses, fails or runs out of time."""
    context = multiprocessing.get_context("forkserver")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, func, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise ConversionError("文件太大或太复杂，处理超时，请拆分后再上传。")
        kind, value = receiver.recv()
    except EOFError:
        raise ConversionError("文件解开后太大，无法处理。") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if kind == "refused":
        raise ConversionError(value)
    return value
