"""A private Virtuoso server for the tests: its own database in a temporary folder, on loopback.

``make test`` installs Debian's Virtuoso binaries (``virtuoso-opensource-7-bin``); nothing here
skips when they are missing: the tests that need the server fail instead.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

USER = "lbpgraph"

_INI = """\
[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {root}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
AllowOSCalls = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""


def free_port() -> int:
    """A TCP port nobody listens on at the moment (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    """``virtuoso-t +foreground`` on free loopback ports, with a user who may run SPARQL Update."""

    def __init__(self, root: Path) -> None:
        binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if not binary or not isql:
            raise RuntimeError("virtuoso-t / isql-vt not found: run `make test`, which installs Debian's "
                               "virtuoso-opensource-7-bin")
        self.binary, self.isql, self.root = binary, isql, root
        self.isql_port, self.http_port = free_port(), free_port()
        self.password, self.dba_password = secrets.token_hex(12), secrets.token_hex(12)
        self.ini = root / "virtuoso.ini"
        self.ini.write_text(_INI.format(root=root, isql_port=self.isql_port, http_port=self.http_port))
        self.process: subprocess.Popen[bytes] | None = None
        self.start_seconds = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.base}/sparql-auth"             # Digest auth; SPARQL_UPDATE is granted to USER

    @property
    def graph_store_url(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"  # Graph Store HTTP Protocol, Digest auth

    def start(self, timeout: float = 90.0) -> None:
        """Start the server (creating the database the first time) and wait for its HTTP endpoint."""
        first = not (self.root / "virtuoso.db").exists()
        begin = time.monotonic()
        # setpriv (util-linux): the server gets SIGKILL when the test process dies, so none outlives a killed run
        guard = [setpriv, "--pdeathsig", "KILL", "--"] if (setpriv := shutil.which("setpriv")) else []
        with open(self.root / "stdout.log", "ab") as log:
            self.process = subprocess.Popen([*guard, self.binary, "+foreground", "+configfile", str(self.ini)],
                                            cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() - begin > timeout:
                self.stop()
                raise RuntimeError(f"virtuoso-t did not answer within {timeout:g} s:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        if first:
            self.sql(f"DB.DBA.USER_CREATE('{USER}', '{self.password}'); GRANT SPARQL_UPDATE TO \"{USER}\"; "
                     f"DB.DBA.USER_PASSWORD_SET('dba', '{self.dba_password}');", password="dba")
        self.start_seconds = time.monotonic() - begin

    def sql(self, statements: str, password: str | None = None) -> str:
        """Run SQL as dba through isql on the ISQL port."""
        done = subprocess.run([self.isql, f"127.0.0.1:{self.isql_port}", "dba", password or self.dba_password,
                               f"exec={statements}"],
                              check=False, capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout}{done.stderr}")
        return done.stdout

    def stop(self) -> None:
        """Stop gracefully (SIGTERM: Virtuoso checkpoints), killing after 30 s."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Die at once, as a crashed server would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log_tail(self, lines: int = 30) -> str:
        text = ""
        for name in ("stdout.log", "virtuoso.log"):
            path = self.root / name
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])
