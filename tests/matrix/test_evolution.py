"""Migrations are history (issue 11): a context evolves through a sequence of spec changes, and a database created at
the first step follows along.

For SQLite and PostgreSQL: generate a context, create its database with ``alembic upgrade head`` and put a row in it;
then, for every later step, re-run the generator with the step's fields and check that

- the revisions written by earlier steps are byte-identical (a revision, once written, is never rewritten);
- a step that alters the table adds exactly one revision, a refused step (exit 2) writes nothing;
- ``alembic upgrade head`` brings the first step's database to the new spec, and ``alembic check`` finds no drift;
- the row survives, and the generated tests pass (``pytest``: the infrastructure tests at every step, all of them at
  the last; on PostgreSQL against their own database).

A context grows by aggregates too (``test_adding_an_aggregate``): a second aggregate added to the spec gets the next
revision creating its table, a field added to it the revision after, and removing it is refused; the first step's
database follows every step.

A context from before the transactional outbox (issue 10 item 4) gets the revision that creates it: a database at its
revision 0001 upgrades to the outbox without drift (``test_a_database_from_before_the_outbox_migrates_to_it``).

Run alone with ``tests/run-all.sh matrix`` and ``PYTHON_DDD_MATRIX_ARGS="-k evolution"``; it prints each step's time.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import TYPE_CHECKING

import pytest

from harness import Postgres, Result, binary, clean_env, run, spec_fields, tail

if TYPE_CHECKING:
    from pathlib import Path

CONTEXT = "libs/orders"
VERSIONS = f"{CONTEXT}/infrastructure/orders_infrastructure/migrations/versions"

# (fields, the exit status the generator must end with, a text its output must contain, revisions after the step)
STEPS: list[tuple[str, int, str, int]] = [
    ("title:str,status:enum(new|done),total:money,amount:int", 0, "CREATE", 1),
    # A new required field: the row already in the table has no value for it.
    (
        "title:str,status:enum(new|done),total:money,amount:int,priority:int",
        2,
        "add it as optional (`priority:int?`)",
        1,
    ),
    # New optional fields, one of them an enum with its CHECK constraint.
    (
        "title:str,status:enum(new|done),total:money,amount:int,priority:int?,channel:enum(web|shop)?,due:datetime?",
        0,
        "rev_0002_alter_orders_table.py",
        2,
    ),
    # A field removed.
    ("title:str,status:enum(new|done),total:money,priority:int?,channel:enum(web|shop)?,due:datetime?", 0, "", 3),
    # An enum's values changed (the longest value grows: the column widens too).
    (
        "title:str,status:enum(new|done|cancelled_by_customer),total:money,priority:int?,channel:enum(web|shop)?,"
        "due:datetime?",
        0,
        "",
        4,
    ),
    # Required fields made optional (money is two columns).
    (
        "title:str?,status:enum(new|done|cancelled_by_customer),total:money?,priority:int?,channel:enum(web|shop)?,"
        "due:datetime?",
        0,
        "",
        5,
    ),
    # A field's type changed: refused, a migration cannot convert the rows.
    (
        "title:int?,status:enum(new|done|cancelled_by_customer),total:money?,priority:int?,channel:enum(web|shop)?,"
        "due:datetime?",
        2,
        "changes its type from str to int",
        5,
    ),
]


def _check(result: Result, what: str, status: int = 0) -> Result:
    if result.returncode != status:
        pytest.fail(f"{what}: expected exit {status}\n{result.describe()}\n--- output ---\n{tail(result.output)}")
    return result


def _revisions(workspace: Path) -> dict[str, bytes]:
    folder = workspace / VERSIONS
    return {path.name: path.read_bytes() for path in sorted(folder.glob("rev_*.py"))}


def _tree(workspace: Path) -> dict[str, bytes]:
    root = workspace / CONTEXT
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".db")
    }


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_evolution(
    database: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "ws"
    context = workspace / CONTEXT
    test_url: str | None = None
    if database == "sqlite":
        db_file = tmp_path / "evolution.db"
        url = f"sqlite+aiosqlite:///{db_file}"
    else:
        postgres: Postgres = request.getfixturevalue("postgres")
        url = postgres.createdb_named("evolution_db")
        test_url = postgres.createdb_named("evolution_tests")
    env = clean_env(ORDERS_DATABASE_URL=url)
    pytest_env = clean_env(TEST_DATABASE_URL=test_url) if test_url else clean_env()

    written: dict[str, bytes] = {}
    for index, (fields, status, expected, revisions) in enumerate(STEPS):
        started = time.monotonic()
        before = _tree(workspace) if index else {}
        generated = run(
            [str(binary()), "generate", "domain", "orders", "--root", str(workspace), "--fields", fields],
            cwd=tmp_path,
        )
        _check(generated, f"step {index}: generate {fields}", status)
        assert expected in generated.output, f"step {index}: `{expected}` not in:\n{generated.output}"
        now = _revisions(workspace)
        assert len(now) == revisions, f"step {index}: {sorted(now)}"
        for name, content in written.items():
            assert now.get(name) == content, f"step {index}: the written revision {name} changed"
        if status != 0:
            assert _tree(workspace) == before, f"step {index}: a refused run changed the tree"
            continue
        written = now
        spec = json.loads((context / "python-ddd.spec.json").read_text())
        assert [m["revision"] for m in spec["migrations"]] == [f"{n:04}" for n in range(1, revisions + 1)]

        _check(run(["alembic", "upgrade", "head"], cwd=context, env=env), f"step {index}: alembic upgrade head")
        _check(run(["alembic", "check"], cwd=context, env=env), f"step {index}: alembic check (drift)")
        if index == 0:
            _insert_row(database, url, request)
        assert _count_rows(database, url, request) == "1", f"step {index}: the row did not survive"
        # The persistence tests at every step; the whole generated suite at the last one (bounded time).
        last = index == max(i for i, step in enumerate(STEPS) if step[1] == 0)
        tests = [] if last else ["infrastructure"]
        _check(
            run(["pytest", "-p", "no:cacheprovider", "-q", "-x", *tests], cwd=context, env=pytest_env), f"step {index}"
        )
        with capsys.disabled():
            print(f"\nevolution[{database}] step {index}: {time.monotonic() - started:.1f} s", end="")


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_database_from_before_the_outbox_migrates_to_it(
    database: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 10 item 4: a context whose revisions predate the transactional outbox (its spec's revisions say nothing of
    it, so revision 0001 creates only the aggregate's table) gets revision 0002 creating the outbox; a database at 0001
    with a row in it upgrades to a schema without drift, downgrades to 0001 again, and keeps its row throughout."""
    started = time.monotonic()
    fields = STEPS[0][0]
    # The spec a run before the outbox left: the current one without the revisions' `outbox` flag.
    fresh = tmp_path / "fresh"
    _check(
        run([str(binary()), "generate", "domain", "orders", "--root", str(fresh), "--fields", fields], cwd=tmp_path),
        "generate the current spec",
    )
    spec = json.loads((fresh / CONTEXT / "python-ddd.spec.json").read_text())
    assert [m.pop("outbox") for m in spec["migrations"]] == [True]
    workspace = tmp_path / "ws"
    context = workspace / CONTEXT
    context.mkdir(parents=True)
    (context / "python-ddd.spec.json").write_text(json.dumps(spec, indent=2) + "\n")

    generated = _check(
        run([str(binary()), "generate", "domain", "orders", "--root", str(workspace)], cwd=tmp_path),
        "generate over the spec from before the outbox",
    )
    assert "rev_0002_create_orders_outbox.py" in generated.output, generated.output
    revisions = _revisions(workspace)
    assert sorted(revisions) == ["rev_0001_create_orders_table.py", "rev_0002_create_orders_outbox.py"]
    assert b"outbox" not in revisions["rev_0001_create_orders_table.py"]
    stored = json.loads((context / "python-ddd.spec.json").read_text())
    assert [m.get("outbox", False) for m in stored["migrations"]] == [False, True]
    for tool in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        _check(run(tool, cwd=context), " ".join(tool))

    test_url: str | None = None
    if database == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'before-outbox.db'}"
    else:
        postgres: Postgres = request.getfixturevalue("postgres")
        url = postgres.createdb_named("before_outbox_db")
        test_url = postgres.createdb_named("before_outbox_tests")
    env = clean_env(ORDERS_DATABASE_URL=url)
    _check(run(["alembic", "upgrade", "0001"], cwd=context, env=env), "alembic upgrade 0001")
    _insert_row(database, url, request)
    assert not _has_table(database, url, request, "orders_outbox")
    _check(run(["alembic", "upgrade", "head"], cwd=context, env=env), "alembic upgrade head")
    _check(run(["alembic", "check"], cwd=context, env=env), "alembic check (drift)")
    assert _has_table(database, url, request, "orders_outbox")
    _check(run(["alembic", "downgrade", "0001"], cwd=context, env=env), "alembic downgrade 0001")
    assert not _has_table(database, url, request, "orders_outbox")
    _check(run(["alembic", "upgrade", "head"], cwd=context, env=env), "alembic upgrade head again")
    assert _count_rows(database, url, request) == "1", "the row did not survive"
    pytest_env = clean_env(TEST_DATABASE_URL=test_url) if test_url else clean_env()
    tests = ["pytest", "-p", "no:cacheprovider", "-q", "-x", "infrastructure"]
    _check(run(tests, cwd=context, env=pytest_env), "pytest infrastructure")
    with capsys.disabled():
        print(f"\nbefore-outbox[{database}]: {time.monotonic() - started:.1f} s", end="")


def _has_table(database: str, url: str, request: pytest.FixtureRequest, table: str) -> bool:
    if database == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///")) as connection:
            query = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
            return connection.execute(query, (table,)).fetchone()[0] == 1
    postgres: Postgres = request.getfixturevalue("postgres")
    return postgres.query(url.rsplit("/", 1)[1], f"SELECT to_regclass('public.{table}') IS NOT NULL") == "t"


ROW = {
    "id": "0123456789abcdef0123456789abcdef",
    "title": "'a title'",
    "status": "'new'",
    "total_amount": "10.00",
    "total_currency": "'EUR'",
    "amount": "3",
    "version": "0",
}


def _insert_row(database: str, url: str, request: pytest.FixtureRequest) -> None:
    values = dict(ROW)
    if database == "sqlite":
        values["id"] = f"'{values['id']}'"
        with sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///")) as connection:
            connection.execute(f"INSERT INTO orders ({', '.join(values)}) VALUES ({', '.join(values.values())})")
    else:
        values["id"] = f"'{values['id']}'::uuid"
        postgres: Postgres = request.getfixturevalue("postgres")
        postgres.query(
            url.rsplit("/", 1)[1], f"INSERT INTO orders ({', '.join(values)}) VALUES ({', '.join(values.values())})"
        )


def _count_rows(database: str, url: str, request: pytest.FixtureRequest) -> str:
    if database == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///")) as connection:
            return str(connection.execute("SELECT count(*) FROM orders").fetchone()[0])
    postgres: Postgres = request.getfixturevalue("postgres")
    return postgres.query(url.rsplit("/", 1)[1], "SELECT count(*) FROM orders")


# (the spec's aggregates after the root, `(Entity, fields option)`; exit status; text in the output; revisions after)
AGGREGATE_STEPS: list[tuple[tuple[tuple[str, str], ...], int, str, int]] = [
    ((), 0, "rev_0001_create_orders_table.py", 1),
    # A new aggregate, required fields and all: its table is new, so no row lacks a value.
    ((("Customer", "email:email,vip:bool,since:date?"),), 0, "rev_0002_create_customers_table.py", 2),
    # A field added to the new aggregate alters its table alone.
    (
        (("Customer", "email:email,vip:bool,since:date?,tier:enum(gold|silver)?"),),
        0,
        "rev_0003_alter_customers_table.py",
        3,
    ),
    # Removing it would drop its table and rows: refused, naming it.
    ((), 2, "the aggregate `Customer` is gone from the spec", 3),
]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_adding_an_aggregate(
    database: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: a context with one aggregate (SQLAlchemy, no API, the in-memory bus: what renders several
    aggregates) grows a second one by an edit of its spec; its database at revision 0001, with a row in it, follows
    each step through ``alembic upgrade head`` without drift, and the generated tests pass."""
    workspace = tmp_path / "ws"
    context = workspace / CONTEXT
    spec_path = context / "python-ddd.spec.json"
    test_url: str | None = None
    if database == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'aggregates.db'}"
    else:
        postgres: Postgres = request.getfixturevalue("postgres")
        url = postgres.createdb_named("aggregates_db")
        test_url = postgres.createdb_named("aggregates_tests")
    env = clean_env(ORDERS_DATABASE_URL=url)
    pytest_env = clean_env(TEST_DATABASE_URL=test_url) if test_url else clean_env()
    argv = [str(binary()), "generate", "domain", "orders", "--root", str(workspace), "--api", "none"]
    argv += ["--fields", STEPS[0][0]]

    written: dict[str, bytes] = {}
    for index, (more, status, expected, revisions) in enumerate(AGGREGATE_STEPS):
        started = time.monotonic()
        before: dict[str, bytes] = {}
        if index:
            spec = json.loads(spec_path.read_text())
            spec["aggregates"][1:] = [{"name": name, "fields": spec_fields(fields)} for name, fields in more]
            spec_path.write_text(json.dumps(spec, indent=2) + "\n")
            before = _tree(workspace)
        generated = _check(run(argv, cwd=tmp_path), f"step {index}: generate with {more}", status)
        assert expected in generated.output, f"step {index}: `{expected}` not in:\n{generated.output}"
        now = _revisions(workspace)
        assert len(now) == revisions, f"step {index}: {sorted(now)}"
        for name, content in written.items():
            assert now.get(name) == content, f"step {index}: the written revision {name} changed"
        if status != 0:
            assert _tree(workspace) == before, f"step {index}: a refused run changed the tree"
            continue
        written = now
        _check(run(["alembic", "upgrade", "head"], cwd=context, env=env), f"step {index}: alembic upgrade head")
        _check(run(["alembic", "check"], cwd=context, env=env), f"step {index}: alembic check (drift)")
        if index == 0:
            _insert_row(database, url, request)
        else:
            assert _has_table(database, url, request, "customers"), f"step {index}: no table `customers`"
        assert _count_rows(database, url, request) == "1", f"step {index}: the row did not survive"
        last = index == max(i for i, step in enumerate(AGGREGATE_STEPS) if step[1] == 0)
        tests = [] if last else ["infrastructure"]
        _check(
            run(["pytest", "-p", "no:cacheprovider", "-q", "-x", *tests], cwd=context, env=pytest_env), f"step {index}"
        )
        with capsys.disabled():
            print(f"\naggregates[{database}] step {index}: {time.monotonic() - started:.1f} s", end="")
