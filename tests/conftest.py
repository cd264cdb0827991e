"""Shared fixtures. Network access is off for the whole test run (loopback only)."""

from __future__ import annotations

import ipaddress
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lbpgraph.cli import cli
from lbpgraph.project import Project

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _loopback_only(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.connect":
        return
    address = args[1]
    if isinstance(address, tuple) and address:
        host = str(address[0])
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            if host == "localhost":
                return
        raise PermissionError(f"tests may not reach the network ({host})")


sys.addaudithook(_loopback_only)


def pytest_report_header() -> list[str]:
    import networkx
    import pydantic
    import rdflib
    return [f"rdflib {rdflib.__version__}, networkx {networkx.__version__}, pydantic {pydantic.__version__}"]


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One private Virtuoso for the session; fails (never skips) when Virtuoso is not installed."""
    from .virtuoso import Virtuoso
    try:
        server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-default-apps"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one for every browser test of the session: Playwright's
    sync API runs one instance per thread, so each module starting its own fails."""
    from playwright.sync_api import sync_playwright
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is required: make test installs it"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The real corpus, built once into a temporary build folder."""
    project = Project(DATA, tmp_path_factory.mktemp("build"))
    project.build()
    return project


@pytest.fixture(scope="session")
def built_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The real corpus, built once into an ``oxigraph:DIR`` store (read, never changed, by the tests
    that share it)."""
    root = tmp_path_factory.mktemp("oxigraph")
    project = Project(DATA, root / "build", f"oxigraph:{root / 'db'}")
    project.build()
    return project


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the real data folder, safe to modify."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def run(*args: str, data: Path = DATA, build: Path | None = None, input: str | None = None) -> Result:
    """Invoke the CLI in-process with click's CliRunner."""
    options = ["--data", str(data)] + (["--build-dir", str(build)] if build else [])
    return CliRunner().invoke(cli, [*options, *args], input=input, catch_exceptions=False)
