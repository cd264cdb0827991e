"""``lbpgraph serve`` run as a user runs it: the installed command in a process of its own,
on a free loopback port, stopped (with its query children) when the test is done."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .test_bad_inputs import LBPGRAPH

_ADDRESS = re.compile(r"^Serving (\S+) at (http://127\.0\.0\.1:\d+)/ ")


class Server:
    """A running ``lbpgraph serve``; ``url`` is its root (no trailing slash)."""

    def __init__(self, data: Path, build: Path, *options: str, store: str | None = None,
                 seconds: float = 120) -> None:
        argv = [str(LBPGRAPH), "--data", str(data), "--build-dir", str(build),
                *(["--store", store] if store else []), "serve", "--port", "0", "--no-access-log", *options]
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.lines: list[str] = []
        self._address = threading.Event()
        self.url = ""
        self.store = ""
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + seconds
        while not self._address.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("lbpgraph serve did not start:\n" + "\n".join(self.lines))

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            if match := _ADDRESS.match(line):
                self.store, self.url = match.groups()
                self._address.set()

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # as Ctrl+C
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None,
            timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one HTTP exchange, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()
