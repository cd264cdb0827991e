"""Builds never damage what readers use: one build at a time per store, a version in use is kept,
what a killed build left is removed, a damaged store is rebuilt, and a full disk is reported and
survived.

All of it for real: lbpgraph runs in subprocesses on Oxigraph stores and files on disk; a build is
killed with SIGKILL; the disk that fills up is a small tmpfs, mounted in a mount namespace of the
test's own so that nothing outside sees it. Races are made deterministic by holding the lock
(or a reader) from the test, never by sleeping.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lbpgraph.analysis.query import check_query
from lbpgraph.stores.oxigraph import OxigraphStore

from .conftest import DATA

STORES = ["memory", "oxigraph"]
CLAIM = "bw-unloads-discs"
LOCK = ".lock"  # the build lock's file in a build folder or an oxigraph:DIR (README: Stores and scale)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MEMORY_FILES = [LOCK, "answers.json", "graph.trig", "inputs.json", "manifest.json", "projection.pickle", "search.json",
                "stats.json", "traces-index.json", "traces.json"]


def _options(root: Path, store: str, data: Path = DATA) -> list[str]:
    spec = f"oxigraph:{root / 'db'}" if store == "oxigraph" else "memory"
    return ["--data", str(data), "--build-dir", str(root / "build"), "--store", spec]


def lbpgraph(root: Path, store: str, *args: str, data: Path = DATA) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own."""
    return subprocess.run([sys.executable, "-m", "lbpgraph", *_options(root, store, data), *args],
                          capture_output=True, text=True)


def _folder(root: Path, store: str) -> Path:
    """Where a build of ``store`` writes, and keeps its lock."""
    return root / ("db" if store == "oxigraph" else "build")


def _state(folder: Path) -> list[tuple[str, int, str]]:
    """Every entry of ``folder``: name, modification time, link target."""
    return sorted((p.name, p.lstat().st_mtime_ns, os.readlink(p) if p.is_symlink() else "") for p in folder.iterdir())


def _versions(db: Path) -> list[str]:
    return sorted(p.name for p in db.glob("version-*"))


def _published(db: Path) -> str:
    return os.readlink(db / "current")


def _one_line_error(returncode: int, stderr: str, code: int, text: str) -> None:
    assert returncode == code, stderr
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) == 1 and stderr.startswith("Error: ") and text in stderr, stderr


# --- one build at a time ------------------------------------------------------------------------

@pytest.mark.parametrize("store", STORES)
def test_a_second_build_waits_until_the_first_is_done(tmp_path: Path, store: str) -> None:
    assert lbpgraph(tmp_path, store, "build").returncode == 0
    folder = _folder(tmp_path, store)
    before = _state(folder)
    with open(folder / LOCK, "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a build in progress holds it
        second = subprocess.Popen([sys.executable, "-m", "lbpgraph", *_options(tmp_path, store), "build", "--force"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert second.stderr is not None
            assert second.stderr.readline() == f"lbpgraph: waiting for another build of {folder} to finish\n"
            assert second.poll() is None  # it is blocked on the lock we hold
            assert _state(folder) == before  # and has touched nothing
        except BaseException:
            second.kill()
            raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = second.communicate()
    assert second.returncode == 0, err
    assert out.startswith("Built ")


# --- readers keep their version ----------------------------------------------------------------

def test_a_version_in_use_is_never_deleted_under_its_reader(tmp_path: Path) -> None:
    db = tmp_path / "db"
    assert lbpgraph(tmp_path, "oxigraph", "build").returncode == 0
    reader = OxigraphStore(db)  # a reader in this process, as a notebook or a long trace would hold it
    held = _published(db)
    count = reader.select(COUNT)
    for _ in range(2):
        rebuilt = lbpgraph(tmp_path, "oxigraph", "build", "--force")
        assert rebuilt.returncode == 0, rebuilt.stderr
    assert _published(db) != held
    assert _versions(db) == sorted([held, _published(db)])  # the one in between had no reader: removed
    assert reader.select(COUNT) == count
    fresh = OxigraphStore(db)
    assert reader.run(check_query(COUNT), 30).to_json() == fresh.run(check_query(COUNT), 30).to_json()
    fresh.close()
    reader.close()
    assert lbpgraph(tmp_path, "oxigraph", "build", "--force").returncode == 0
    assert _versions(db) == [_published(db)]


# --- a damaged store is rebuilt ----------------------------------------------------------------

def _first_sst(version: Path) -> None:
    min(version.glob("*.sst")).unlink()


DAMAGE: dict[str, Any] = {
    "manifest missing": lambda v: (v / "manifest.json").unlink(),
    "manifest unreadable": lambda v: (v / "manifest.json").write_text('{"fingerprint": ', encoding="utf-8"),
    "version missing": shutil.rmtree,
    "database file missing": _first_sst,
    "database pointer damaged": lambda v: (v / "CURRENT").write_text("garbage\n", encoding="utf-8"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_store_is_rebuilt_not_reported_up_to_date(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "db"
    assert lbpgraph(tmp_path, "oxigraph", "build").returncode == 0
    DAMAGE[damage](db / _published(db))
    result = lbpgraph(tmp_path, "oxigraph", "build")
    assert result.stdout.startswith(f"Built {db}: 5 articles"), result.stdout + result.stderr
    assert lbpgraph(tmp_path, "oxigraph", "trace", CLAIM).returncode == 0
    assert _versions(db) == [_published(db)]
    again = lbpgraph(tmp_path, "oxigraph", "build")
    claims = result.stdout.split(", ")[1]  # as the rebuild counted them
    assert again.stdout.startswith(f"Up to date: {db}: 5 articles, {claims}"), again.stdout


@pytest.mark.parametrize("damage", ["database file missing", "database pointer damaged"])
def test_reading_a_damaged_database_says_so_in_one_line(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "db"
    assert lbpgraph(tmp_path, "oxigraph", "build").returncode == 0
    DAMAGE[damage](db / _published(db))
    read = lbpgraph(tmp_path, "oxigraph", "trace", CLAIM)
    _one_line_error(read.returncode, read.stderr, 4, "run lbpgraph build to rebuild it")


# --- a killed build ------------------------------------------------------------------------------

KILL_BEFORE_RENAME = """
import os, signal, sys
from lbpgraph.cli import main
target, replace = sys.argv.pop(1), os.replace
def replace_or_die(src, dst, *args, **kwargs):
    if os.path.basename(dst) == target:
        os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 would, just before this rename
    return replace(src, dst, *args, **kwargs)
os.replace = replace_or_die
main()
"""


@pytest.mark.parametrize(("store", "killed_at", "then"), [
    ("oxigraph", "manifest.json", "Up to date:"),  # the new version half done
    ("oxigraph", "current", "Up to date:"),        # the new version complete, its link made, not swapped in
    ("memory", "graph.trig", "Up to date:"),       # every output written beside its target, none renamed
    ("memory", "manifest.json", "Built"),          # every output renamed but the manifest: not a build to trust
])
def test_the_next_build_removes_what_a_killed_build_left(tmp_path: Path, store: str, killed_at: str,
                                                         then: str) -> None:
    assert lbpgraph(tmp_path, store, "build").returncode == 0
    folder = _folder(tmp_path, store)
    before = sorted(p.name for p in folder.iterdir())
    killed = subprocess.run([sys.executable, "-c", KILL_BEFORE_RENAME, killed_at, *_options(tmp_path, store),
                             "build", "--force"], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    assert sorted(p.name for p in folder.iterdir()) != before  # it left something behind
    result = lbpgraph(tmp_path, store, "build")  # "Up to date": the previous build still serves
    assert result.stdout.startswith(then), result.stdout + result.stderr
    if store == "oxigraph":
        assert sorted(p.name for p in folder.iterdir()) == [LOCK, "current", _published(folder)]
    else:
        assert sorted(p.name for p in folder.iterdir()) == MEMORY_FILES
    assert lbpgraph(tmp_path, store, "trace", CLAIM).returncode == 0


# --- a full disk -----------------------------------------------------------------------------------

FILL_THE_DISK = """
import json, os, subprocess, sys
disk, data, store, claim = sys.argv[1:]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", disk], check=True)
options = ["--data", data, "--build-dir", f"{disk}/build", "--store",
           f"oxigraph:{disk}/db" if store == "oxigraph" else "memory"]
def lbpgraph(*args):
    done = subprocess.run([sys.executable, "-m", "lbpgraph", *options, *args], capture_output=True, text=True)
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}
steps = {"build": lbpgraph("build")}
fd = os.open(f"{disk}/filler", os.O_WRONLY | os.O_CREAT)
for size in (1 << 16, 1 << 12, 1):
    try:
        while True:
            os.write(fd, bytes(size))
    except OSError as exc:
        assert exc.errno == 28, exc
os.close(fd)
steps["full: build --force"] = lbpgraph("build", "--force")
steps["full: view"] = lbpgraph("view", claim, "--out", f"{disk}/page.html")
steps["full: trace"] = lbpgraph("trace", claim)
steps["full: stats"] = lbpgraph("stats")
os.remove(f"{disk}/filler")
steps["freed: build"] = lbpgraph("build")
steps["freed: trace"] = lbpgraph("trace", claim)
steps["files"] = sorted(os.listdir(f"{disk}/db" if store == "oxigraph" else f"{disk}/build"))
print(json.dumps(steps))
"""


def _on_a_small_disk(tmp_path: Path, store: str) -> dict[str, Any]:
    """FILL_THE_DISK's steps, run in a mount namespace of its own (as root, or as a user that
    may create user namespaces), where a 32 MB tmpfs is the disk."""
    disk = tmp_path / "disk"
    disk.mkdir()
    unshare = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user", "--mount"]
    done = subprocess.run([*unshare, sys.executable, "-c", FILL_THE_DISK, str(disk), str(DATA), store, CLAIM],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"could not run on a small tmpfs (needs root or user namespaces): {done.stderr}", pytrace=False)
    return json.loads(done.stdout)


@pytest.mark.parametrize("store", STORES)
def test_a_full_disk_is_reported_in_one_line_and_the_previous_build_still_serves(tmp_path: Path, store: str) -> None:
    steps = _on_a_small_disk(tmp_path, store)
    assert steps["build"]["code"] == 0, steps["build"]["err"]
    for step in ("full: build --force", "full: view"):
        _one_line_error(steps[step]["code"], steps[step]["err"], 7, "Error: the disk is full (")
    for step in ("full: trace", "full: stats"):  # reads need no space (stats only fails to cache its projection)
        assert steps[step]["code"] == 0, steps[step]["err"]
    assert steps["freed: build"]["out"].startswith("Up to date:"), steps["freed: build"]
    assert steps["freed: trace"]["code"] == 0 and steps["freed: trace"]["out"] == steps["full: trace"]["out"]
    if store == "oxigraph":
        assert len(steps["files"]) == 3 and steps["files"][:2] == [LOCK, "current"], steps["files"]
    else:
        assert steps["files"] == MEMORY_FILES
