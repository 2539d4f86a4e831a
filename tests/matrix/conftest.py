"""Hooks and fixtures of the option matrix; the machinery is in harness.py."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from harness import CACHE, TOOLS, Matrix, Postgres, Projects, Redis

_MATRIX: Matrix | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--keep", action="store_true", help="keep the generated projects")


def _matrix(config: pytest.Config) -> Matrix:
    global _MATRIX
    if _MATRIX is None:
        base = Path(tempfile.mkdtemp(prefix="python-ddd-matrix."))
        config.stash[_BASE] = base
        postgres = Postgres()
        jobs = int(os.environ.get("PYTHON_DDD_MATRIX_JOBS") or os.cpu_count() or 1)
        _MATRIX = Matrix(Projects(base), postgres, Redis(), jobs)
    return _MATRIX


_BASE = pytest.StashKey[Path]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Submit every selected tool job, in test order, before the first test runs."""
    wanted = [
        (item.callspec.params["combo"], item.callspec.params["tool"])
        for item in session.items
        if hasattr(item, "callspec") and {"combo", "tool"} <= item.callspec.params.keys()
    ]
    if not wanted:
        return
    matrix = _matrix(session.config)
    if any(combo.sqlalchemy and tool == "pytest" for combo, tool in wanted):
        matrix.postgres.ensure()
    if any(combo.redis and tool == "pytest" for combo, tool in wanted):
        matrix.redis.ensure()
    (CACHE / "mypy").mkdir(parents=True, exist_ok=True)
    for combo, tool in wanted:
        matrix.submit(combo, tool)


@pytest.fixture(scope="session")
def matrix(request: pytest.FixtureRequest) -> Matrix:
    return _matrix(request.config)


@pytest.fixture(scope="session")
def projects(matrix: Matrix) -> Projects:
    return matrix.projects


@pytest.fixture(scope="session")
def postgres(matrix: Matrix) -> Postgres:
    matrix.postgres.ensure()
    return matrix.postgres


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _MATRIX is None:
        return
    _MATRIX.pool.shutdown(wait=True, cancel_futures=True)
    _MATRIX.postgres.stop()
    _MATRIX.redis.stop()
    _MATRIX.rabbitmq.stop()
    base = session.config.stash.get(_BASE, None)
    if base is not None:
        if session.config.getoption("--keep") or os.environ.get("PYTHON_DDD_KEEP"):
            sys.stderr.write(f"\nmatrix: generated projects kept in {base}\n")
        else:
            shutil.rmtree(base, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _MATRIX is None or not _MATRIX.timings:
        return
    tr = terminalreporter
    tr.section("matrix timings (seconds per tool)")
    width = max(len(c) for c in _MATRIX.timings)
    tr.write_line(f"{'combination':<{width}}  " + "  ".join(f"{t:>12}" for t in TOOLS) + f"  {'total':>7}")
    grand = dict.fromkeys(TOOLS, 0.0)
    for combo_id, tools in _MATRIX.timings.items():
        cells = []
        for tool in TOOLS:
            seconds = tools.get(tool)
            cells.append(f"{seconds:>12.1f}" if seconds is not None else f"{'-':>12}")
            grand[tool] += seconds or 0.0
        tr.write_line(f"{combo_id:<{width}}  " + "  ".join(cells) + f"  {sum(tools.values()):>7.1f}")
    tr.write_line(
        f"{'sum':<{width}}  " + "  ".join(f"{grand[t]:>12.1f}" for t in TOOLS) + f"  {sum(grand.values()):>7.1f}"
    )
