"""Run work in a forked child that cannot reach the network, within time and memory limits.

Queries run here: a user's query, and the guard that parses it, may take unbounded time or
memory, or try to fetch a URL (rdflib's ``SERVICE`` and ``LOAD``, Oxigraph's ``SERVICE``
client). :func:`in_child` forks, cuts the child off the network (an audit hook, and where the
kernel allows, a network namespace of its own), caps the memory it may map and kills it at the
time limit; lbpgraph's errors raised in the child are raised again in the parent.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from .errors import LbpgraphError, QueryFailed, QueryOutOfMemory, QueryTimeout, UsageError

QUERY_MEMORY = 4096  # MB a query child may map beyond its parent, unless LBPGRAPH_QUERY_MEMORY says otherwise
_CLONE_NEWNET, _CLONE_NEWUSER = 0x40000000, 0x10000000


def in_child(work: Callable[[], Any], timeout: float) -> Any:
    """``work()`` in a forked child that cannot open network connections, killed after ``timeout``.

    The child may map :func:`query_memory` MB more than this process; lbpgraph's errors raised
    in it are raised here as they are, and it reports only through its pipe (its stderr is
    silenced: Rust code prints there when an allocation fails).
    """
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    memory = query_memory()

    def child() -> None:
        _confine(memory)
        try:
            sender.send(("ok", work()))
        except LbpgraphError as exc:
            sender.send(("raise", exc))
        except MemoryError:
            sender.send(("memory", None))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as a message
            sender.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            sender.close()

    process = ctx.Process(target=child, daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"the query ran longer than the time limit of {timeout:g} s and was stopped")
        status, payload = receiver.recv()
    except EOFError:
        status, payload = "ended", None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    return _outcome(status, payload, process.exitcode, memory)


def _confine(memory: int) -> None:
    """What a query child does first: no network, no stderr, at most ``memory`` MB more, and the
    objects it inherited out of its garbage collector's reach."""
    import gc
    gc.freeze()  # Python's advice for a fork: the collector walks only what the query makes, never
    # the parent's heap (whose pages it would copy, and which another thread of the parent may have
    # left mid-change at the fork)
    sys.addaudithook(_deny_network)  # this process only lives for one query
    leave_network()  # and for code outside Python (Oxigraph's SERVICE client), the kernel's refusal
    _silence_stderr()  # the child reports through its pipe only
    _cap_memory(memory)


def _outcome(status: str, payload: Any, exitcode: int | None, memory: int) -> Any:
    """The child's answer, or the error that says how it ended."""
    if status == "ended" and exitcode == -signal.SIGABRT:  # how Rust code ends when an allocation fails
        raise QueryOutOfMemory(f"the query process aborted, most likely at its memory limit of {memory} MB")
    if status == "ended":
        raise QueryFailed(f"the query process ended without an answer (exit code {exitcode})")
    if status == "memory":
        raise QueryOutOfMemory(f"the query needed more than its memory limit of {memory} MB and was stopped")
    if status == "raise":
        raise payload
    if status == "error":
        raise QueryFailed(f"the query failed: {payload}")
    return payload


def query_memory() -> int:
    """The memory cap of query children in MB: LBPGRAPH_QUERY_MEMORY, or :data:`QUERY_MEMORY`."""
    value = os.environ.get("LBPGRAPH_QUERY_MEMORY", "").strip()
    if not value:
        return QUERY_MEMORY
    if not value.isascii() or not value.isdigit() or int(value) == 0:
        raise UsageError(f"LBPGRAPH_QUERY_MEMORY must be a whole number of MB, not {value!r}")
    return int(value)


def _silence_stderr() -> None:
    """Send this process's stderr (file descriptor 2, which Rust code writes to) to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _cap_memory(memory: int) -> None:
    """Let this process map at most ``memory`` MB more than it has now (Linux; never raises a
    limit already set)."""
    try:
        import resource
        with open("/proc/self/statm", encoding="ascii") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + memory * 2**20
    except (ImportError, OSError, ValueError):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    for limit in (soft, hard):
        if limit != resource.RLIM_INFINITY:
            size = min(size, limit)
    resource.setrlimit(resource.RLIMIT_AS, (size, hard))


def leave_network() -> bool:
    """Move this (single-threaded, forked) process into a new network namespace of its own, with
    no interface but a loopback that is down: no connection can leave it, whichever library
    tries. Needs Linux and either root or unprivileged user namespaces; returns False (and
    changes nothing) where the kernel refuses."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return False
    return any(libc.unshare(flags) == 0 for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET))


def _deny_network(event: str, args: tuple[Any, ...]) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise PermissionError(f"network access refused inside a query ({event})")
