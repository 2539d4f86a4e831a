"""Machinery of the option matrix: the combinations, the generator, the tools and a small job pool (the hooks
and fixtures are in conftest.py).

Run with the cached venv's interpreter (``tests/support/ensure-venv.sh`` prints it); the tools (ruff, mypy, pytest,
lint-imports) are that venv's, i.e. exactly the pins the generated ``requirements-dev.txt`` declares.

Scheduling: after collection, every selected (combination, tool) job is submitted in test order to a thread pool of
``PYTHON_DDD_MATRIX_JOBS`` workers (default: the number of CPUs). Each test then waits for its own job, so the
tools of one combination overlap with the next one's while the test report stays in order. Each combination gets
its own mypy cache (``.cache/mypy/<combination>``) seeded from the first finished one: combinations share module
names (``orders_domain.…``) with different contents, so a shared cache would thrash, and concurrent runs would
write the same entries.

Environment:
  PYTHON_DDD_BINARY         the generator (default: target/debug/python-ddd)
  PYTHON_DDD_MATRIX_JOBS    parallel jobs (default: CPU count)
  PYTHON_DDD_MATRIX_BUDGET  seconds for all tool jobs (default 2400); a job is cut at min(240 s, what is left)
  PYTHON_DDD_KEEP           keep the generated projects (prints where)
  PYTHON_DDD_MYPY_SEED=0    do not seed new mypy caches from the first combination's (for measuring)
"""

from __future__ import annotations

import concurrent.futures
import configparser
import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Sequence

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache"
POSTGRES_SH = REPO / "tests" / "support" / "postgres.sh"
REDIS_SH = REPO / "tests" / "support" / "redis.sh"
RABBITMQ_SH = REPO / "tests" / "support" / "rabbitmq.sh"
VENV_BIN = Path(sys.prefix) / "bin"
TOOL_TIMEOUT = 240
# The whole matrix must fit in CI's 90 minutes beside the other sections: past this budget, remaining jobs fail at
# once instead of each waiting for its own timeout (a systematic hang would otherwise cost 20 x 240 s).
MATRIX_BUDGET = int(os.environ.get("PYTHON_DDD_MATRIX_BUDGET") or 40 * 60)

# ---------------------------------------------------------------------------------------------------------------
# Combinations
# ---------------------------------------------------------------------------------------------------------------

PERSISTENCE = ("sqlalchemy", "memory")
EVENT_BUS = ("memory", "kafka")
# Event buses outside the 16-combination product: each has explicit combinations (`broker_combos`), so the
# product (and the matrix's time) does not grow by half with every broker.
BROKER_EVENT_BUSES = ("rabbitmq",)
API = ("fastapi", "none")
LAYOUT = ("single", "per-layer")

# Every kind, required and optional (`?`), two enums; names that are not the kinds themselves.
EVERY_KIND_FIELDS = ",".join(
    [
        "label:str",
        "quantity:int",
        "gift:bool",
        "weight:decimal",
        "placed_at:datetime",
        "due_on:date",
        "customer_id:uuid",
        "contact:email",
        "price:money",
        "priority:enum(low|normal|high)",
        "nickname:str?",
        "retries:int?",
        "express:bool?",
        "rate:decimal?",
        "shipped_at:datetime?",
        "delivered_on:date?",
        "tracking_id:uuid?",
        "backup_email:email?",
        "discount:money?",
        "channel:enum(web|phone|in_store)?",
    ]
)
# Issue 9: the longest names the generator accepts (40 characters: docs/naming.md), every kind.
LONGEST_NAME = "international_freight_shipment_trackings"
LONGEST_FIELDS = ",".join(
    [
        "customer_delivery_confirmation_reference:str",
        "number_of_parcels_in_this_whole_shipment:int",
        "declared_customs_value_of_every_shipment:money",
        "current_tracking_status_of_this_shipment:enum("
        "awaiting_pickup_at_the_origin_warehouses|delivered_to_the_final_recipient_address)",
        "expected_delivery_date_for_this_shipment:date?",
        "timestamp_of_the_most_recent_scan_events:datetime?",
        "customer_notification_email_address_used:email",
        "requires_a_signature_on_delivery_of_item:bool",
        "insurance_premium_rate_for_this_shipment:decimal?",
        "external_carrier_tracking_identifier_abc:uuid?",
    ]
)
FIELD_SPECS: dict[str, str] = {
    "title": "title:str",
    "every-kind": EVERY_KIND_FIELDS,
    "realistic": (
        "sku:str,quantity:int,unit_price:money,discount_rate:decimal?,placed_at:datetime,"
        "delivery_date:date?,gift_wrap:bool,customer_id:uuid,customer_email:email,"
        "status:enum(draft|submitted|shipped|delivered|returned),notes:str?"
    ),
}


@dataclasses.dataclass(frozen=True)
class Combo:
    """One generator invocation: options plus where the context lands."""

    persistence: str = "sqlalchemy"
    event_bus: str = "kafka"
    api: str = "fastapi"
    layout: str = "single"
    fields: str | None = None
    fields_label: str | None = None
    name: str = "orders"
    entity: str | None = None
    directory: str | None = None
    # Not in the 16-combination product: a few explicit combinations (redis_combos) take `redis`.
    cache: str = "memory"
    # Issue 11: aggregates after the root, `(Entity, fields option)`, added to the stored spec between a first
    # run and a second one (how a user adds one by editing `python-ddd.spec.json`).
    more_aggregates: tuple[tuple[str, str], ...] = ()
    # Issue 14: the command-line interface, `argparse` in cli_combos() only.
    cli: str = "none"
    # Issue 12: use cases (guarded state transitions), `(aggregate index, use case as JSON text)`, added to the
    # stored spec with the aggregates.
    use_cases: tuple[tuple[int, str], ...] = ()

    @property
    def id(self) -> str:
        parts = [self.persistence, self.event_bus, self.api, self.layout]
        if self.cache != "memory":
            parts.append(f"cache={self.cache}")
        if self.fields_label:
            parts.append(f"fields={self.fields_label}")
        if self.more_aggregates:
            parts.append(f"aggregates={len(self.more_aggregates) + 1}")
        if self.cli != "none":
            parts.append(f"cli={self.cli}")
        if self.use_cases:
            parts.append(f"use_cases={len(self.use_cases)}")
        if self.name != "orders" or self.entity or self.directory:
            parts.append(f"name={self.name}")
        return "-".join(parts)

    @property
    def sqlalchemy(self) -> bool:
        return self.persistence == "sqlalchemy"

    @property
    def redis(self) -> bool:
        return self.cache == "redis"

    @property
    def context_dir(self) -> str:
        return f"{self.directory or 'libs'}/{self.name}"

    def argv(self, root: Path) -> list[str]:
        args = ["generate", "domain", self.name, "--root", str(root)]
        args += ["--persistence", self.persistence, "--eventBus", self.event_bus]
        args += ["--api", self.api, "--projectLayout", self.layout]
        if self.cache != "memory":
            args += ["--cache", self.cache]  # only when not the default, so the other combinations stay as they were
        if self.cli != "none":
            args += ["--cli", self.cli]
        if self.fields is not None:
            args += ["--fields", self.fields]
        if self.entity:
            args += ["--entity", self.entity]
        if self.directory:
            args += ["--directory", self.directory]
        return args


def spec_fields(option: str) -> list[dict[str, object]]:
    """A `fields` option (`name:type[?]`, `enum(a|b)`) as the context spec's field entries."""
    entries: list[dict[str, object]] = []
    for item in option.split(","):
        name, _, kind = item.partition(":")
        entry: dict[str, object] = {"name": name}
        if kind.endswith("?"):
            kind = kind[:-1]
            entry["optional"] = True
        if kind.startswith("enum("):
            entry["values"] = kind[len("enum(") : -1].split("|")
            kind = "enum"
        entry["type"] = kind
        entries.append(entry)
    return entries


def generate(combo: Combo, root: Path, env: dict[str, str] | None = None) -> Result:
    """Generates the combination's context under `root`: one run, and for more aggregates a second run after
    adding them to the stored spec. The last run's result."""
    result = run([str(binary()), *combo.argv(root)], cwd=root, env=env)
    if result.returncode != 0 or not (combo.more_aggregates or combo.use_cases):
        return result
    spec_path = root / combo.context_dir / "python-ddd.spec.json"
    spec = json.loads(spec_path.read_text())
    for entity, fields in combo.more_aggregates:
        spec["aggregates"].append({"name": entity, "fields": spec_fields(fields)})
    for index, use_case in combo.use_cases:
        spec["aggregates"][index].setdefault("use_cases", []).append(json.loads(use_case))
    spec_path.write_text(json.dumps(spec, indent=2) + "\n")
    return run([str(binary()), *combo.argv(root)], cwd=root, env=env)


ALL_OPTIONS = Combo()
# What tests/support/ensure-venv.sh generates to build the venv from: every option that adds a dependency.
VENV_OPTIONS = dataclasses.replace(ALL_OPTIONS, cache="redis")

# Issue 11: a context with three aggregates (every kind spread over them), on the adapters that render several.
MULTI_AGGREGATE = Combo(
    persistence="memory",
    event_bus="memory",
    api="none",
    layout="per-layer",
    name="shop",
    entity="Order",
    fields="title:str,status:enum(new|paid),total:money,note:str?",
    fields_label="orders",
    more_aggregates=(
        ("Customer", "email:email,since:date?,vip:bool,rating:decimal?"),
        ("Invoice", "ref:uuid,issued_at:datetime,lines:int,state:enum(open|settled)?,amount:money?"),
    ),
    use_cases=(
        (0, '{"name": "pay", "sets": {"status": "paid"}, "when": {"status": "new"}}'),
        (1, '{"name": "promote", "sets": {"vip": true, "since": "2024-05-06"}}'),
        (2, '{"name": "settle", "sets": {"state": "settled"}, "when": {"state": "open", "lines": 1}}'),
    ),
)

# Issue 12: use cases on the realistic fields with every other option (SQLAlchemy, Kafka, FastAPI): guards on an
# enum, a bool and an optional field, values of every kind a use case sets.
REALISTIC_USE_CASES = (
    (0, '{"name": "submit", "sets": {"status": "submitted"}, "when": {"status": "draft"}}'),
    (
        0,
        '{"name": "ship", "sets": {"status": "shipped", "delivery_date": "2024-05-06", "notes": "it\'s \\"out\\""},'
        ' "when": {"status": "submitted", "gift_wrap": false}}',
    ),
    (0, '{"name": "clear_notes", "sets": {"notes": null, "quantity": 0}, "when": {"notes": "to clear"}}'),
    (0, '{"name": "reassign", "sets": {"customer_id": "0b7c6a43-9a49-4b52-8a0e-5d7b0d4c1e2f"}}'),
)

# The same three aggregates on SQLAlchemy: one table, mapper and repository each, one outbox; the first run's
# revision 0001 creates `orders`, the second run (the other aggregates added to the spec) revision 0002 their tables.
MULTI_AGGREGATE_SQLALCHEMY = dataclasses.replace(MULTI_AGGREGATE, persistence="sqlalchemy")


def option_combos() -> list[Combo]:
    """The 16 option combinations with default fields; the all-options one first (it warms the mypy cache)."""
    combos = [
        Combo(persistence=p, event_bus=e, api=a, layout=layout)
        for p in PERSISTENCE
        for e in EVENT_BUS
        for a in API
        for layout in LAYOUT
    ]
    combos.sort(key=lambda c: c != ALL_OPTIONS)
    return combos


def field_combos() -> list[Combo]:
    return [
        dataclasses.replace(
            ALL_OPTIONS,
            fields=spec,
            fields_label=label,
            use_cases=REALISTIC_USE_CASES if label == "realistic" else (),
        )
        for label, spec in FIELD_SPECS.items()
    ]


def naming_combos() -> list[Combo]:
    """Another context name, entity and directory, per-layer: catches anything hard-coded to `orders`; and the
    longest names (issue 9)."""
    return [
        Combo(
            layout="per-layer",
            name="shipping",
            entity="Parcel",
            directory="services/logistics",
            fields=FIELD_SPECS["realistic"],
            fields_label="realistic",
        ),
        # A 40-character context with its default entity and 40-character fields: every line that carries
        # names is longer than 100 columns somewhere, so the reflow must give what `ruff format` keeps.
        Combo(name=LONGEST_NAME, fields=LONGEST_FIELDS, fields_label="longest"),
    ]


def redis_combos() -> list[Combo]:
    """`cache: redis` beside the product instead of doubling it: with every other option, and with none of them
    (memory persistence and bus, no API, per-layer)."""
    return [
        VENV_OPTIONS,
        Combo(persistence="memory", event_bus="memory", api="none", layout="per-layer", cache="redis"),
    ]


def broker_combos() -> list[Combo]:
    """`eventBus: rabbitmq` (tested against a real broker, tests/support/rabbitmq.sh), twice: with every other option
    (SQLAlchemy, so through the outbox, on SQLite and PostgreSQL; FastAPI; one project), and with none of them
    (memory persistence, no API, one project per layer)."""
    return [
        Combo(event_bus="rabbitmq"),
        Combo(persistence="memory", event_bus="rabbitmq", api="none", layout="per-layer"),
    ]


def cli_combos() -> list[Combo]:
    """`cli: argparse` (issue 14) beside the product: with every other option in one project per layer (the CLI
    beside the HTTP app in the interface project), and alone as the interface of a two-aggregate context in one
    project (the second aggregate's commands under its name; a field named like a Python keyword)."""
    return [
        dataclasses.replace(ALL_OPTIONS, layout="per-layer", cli="argparse"),
        Combo(
            persistence="memory",
            event_bus="memory",
            api="none",
            cli="argparse",
            name="shop",
            entity="Order",
            fields="title:str,total:money,from:str?",
            fields_label="orders",
            more_aggregates=(("Invoice", "number:int,paid:bool,due:date?,state:enum(open|settled)"),),
        ),
    ]


def all_combos() -> list[Combo]:
    return (
        option_combos()
        + redis_combos()
        + broker_combos()
        + cli_combos()
        + field_combos()
        + naming_combos()
        + [MULTI_AGGREGATE, MULTI_AGGREGATE_SQLALCHEMY]
    )


# ---------------------------------------------------------------------------------------------------------------
# Running things
# ---------------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Result:
    argv: Sequence[str]
    cwd: Path
    returncode: int
    output: str
    seconds: float

    def describe(self) -> str:
        return f"`{' '.join(self.argv)}` (in {self.cwd}) exited {self.returncode} after {self.seconds:.1f} s"


def binary() -> Path:
    path = Path(os.environ.get("PYTHON_DDD_BINARY") or REPO / "target" / "debug" / "python-ddd")
    if not os.access(path, os.X_OK):
        pytest.exit(f"the generator binary {path} is missing: run `cargo build --locked` (or set PYTHON_DDD_BINARY)", 2)
    return path


def clean_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a generated project's tools: this venv first on PATH, nothing of the outer pytest."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "PYTHON_DDD_", "MYPY", "RUFF_"))
        and k
        not in {"PYTHONPATH", "VIRTUAL_ENV", "TEST_DATABASE_URL", "TEST_REDIS_URL", "TEST_AMQP_URL", "COV_CORE_SOURCE"}
    }
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = sys.prefix
    env["NO_COLOR"] = "1"
    env.pop("FORCE_COLOR", None)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = TOOL_TIMEOUT) -> Result:
    started = time.monotonic()
    try:
        proc = subprocess.run(
            list(argv),
            cwd=cwd,
            env=env if env is not None else clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
        code, output = proc.returncode, proc.stdout
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or ""
        code, output = (
            -9,
            (out.decode(errors="replace") if isinstance(out, bytes) else out) + f"\n[timed out after {timeout} s]",
        )
    return Result(argv, cwd, code, output, time.monotonic() - started)


def tail(text: str, lines: int = 400) -> str:
    split = text.rstrip().splitlines()
    if len(split) <= lines:
        return "\n".join(split)
    return "\n".join([f"[… {len(split) - lines} earlier lines cut …]", *split[-lines:]])


def fail(combo: Combo, what: str, result: Result | None = None, extra: str = "") -> None:
    message = f"[{combo.id}] {what}"
    if result is not None:
        message += f"\n{result.describe()}\n--- output ---\n{tail(result.output)}\n--- end of output ---"
    if extra:
        message += f"\n{extra}"
    pytest.fail(message, pytrace=False)


# ---------------------------------------------------------------------------------------------------------------
# Generated projects
# ---------------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Project:
    combo: Combo
    workspace: Path
    context: Path
    generate: Result
    pyproject: dict[str, Any]
    generate_paths: frozenset[str] = frozenset()

    @property
    def source_roots(self) -> list[str]:
        """The folders that hold the import packages, as the generated config declares them (pytest's
        `pythonpath` in pyproject.toml or pytest.ini, else mypy's `mypy_path`, else the layer folders)."""
        tool = self.pyproject.get("tool", {})
        roots: Any = tool.get("pytest", {}).get("ini_options", {}).get("pythonpath")
        ini = self.context / "pytest.ini"
        if not roots and ini.is_file():
            parser = configparser.ConfigParser()
            parser.read_string(ini.read_text())
            roots = parser.get("pytest", "pythonpath", fallback=None)
        roots = roots or tool.get("mypy", {}).get("mypy_path")
        if isinstance(roots, str):
            roots = [r for r in re.split(r"[,\s:]+", roots) if r]
        if not roots:
            roots = [d for d in ("domain", "application", "infrastructure", "interface") if (self.context / d).is_dir()]
        return [str(self.context / r) for r in roots]

    def package_dir(self, package: str) -> Path:
        """Where an import package such as `orders_domain` lives in this layout."""
        found = sorted(p.parent for p in self.context.rglob(f"{package}/__init__.py"))
        if not found:
            msg = f"no {package}/__init__.py under {self.context}"
            raise LookupError(msg)
        return found[0]


class Projects:
    """Generates each combination once per session, in a temporary workspace."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._projects: dict[str, Project | Result] = {}

    def get(self, combo: Combo) -> Project | Result:
        with self._lock:
            lock = self._locks.setdefault(combo.id, threading.Lock())
        with lock:
            if combo.id not in self._projects:
                self._projects[combo.id] = self._generate(combo)
            return self._projects[combo.id]

    def _generate(self, combo: Combo) -> Project | Result:
        workspace = self.base / re.sub(r"[^A-Za-z0-9_.=-]", "_", combo.id)
        workspace.mkdir(parents=True)
        result = generate(combo, workspace, env=clean_env())
        context = workspace / combo.context_dir
        if result.returncode != 0 or not (context / "pyproject.toml").is_file():
            return result
        pyproject = tomllib.loads((context / "pyproject.toml").read_text())
        # What the generator wrote, before any tool adds caches or bytecode next to it.
        paths = frozenset(str(p.relative_to(context)) for p in context.rglob("*") if p.is_file())
        return Project(combo, workspace, context, result, pyproject, paths)

    def project(self, combo: Combo) -> Project:
        got = self.get(combo)
        if isinstance(got, Result):
            fail(combo, "`python-ddd generate` failed or produced no pyproject.toml", got)
        assert isinstance(got, Project)
        return got


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------------------------


class Postgres:
    """The loopback server of tests/support/postgres.sh; started here when the caller did not start it."""

    def __init__(self) -> None:
        self.started_here = False

    def ensure(self) -> None:
        if subprocess.run([str(POSTGRES_SH), "status"], check=False).returncode != 0:
            subprocess.run([str(POSTGRES_SH), "start"], check=True, stdout=subprocess.DEVNULL)
            self.started_here = True

    def createdb(self, combo: Combo) -> str:
        slug = re.sub(r"[^a-z0-9]+", "_", combo.id.lower()).strip("_")[:40]
        name = f"m_{slug}_{hashlib.sha256(combo.id.encode()).hexdigest()[:8]}"
        out = subprocess.run([str(POSTGRES_SH), "createdb", name], check=True, capture_output=True, text=True).stdout
        return out.strip().splitlines()[-1]

    def createdb_named(self, name: str) -> str:
        """A fresh database `name` (an old one is dropped); its URL."""
        out = subprocess.run([str(POSTGRES_SH), "createdb", name], check=True, capture_output=True, text=True).stdout
        return out.strip().splitlines()[-1]

    def query(self, db: str, sql: str) -> str:
        return subprocess.run(
            [str(POSTGRES_SH), "query", db, sql], check=True, capture_output=True, text=True
        ).stdout.strip()

    def stop(self) -> None:
        if self.started_here:
            subprocess.run([str(POSTGRES_SH), "stop"], check=False)


class RabbitMq:
    """The loopback broker of tests/support/rabbitmq.sh (its state in $PYTHON_DDD_RABBITMQ_DIR, as run-all.sh
    sets it); started here when the caller did not start it."""

    def __init__(self) -> None:
        self.started_here = False
        self._url: str | None = None
        self._lock = threading.Lock()

    def url(self) -> str:
        with self._lock:
            if self._url is None:
                if subprocess.run([str(RABBITMQ_SH), "status"], check=False).returncode != 0:
                    subprocess.run([str(RABBITMQ_SH), "start"], check=True, stdout=subprocess.DEVNULL)
                    self.started_here = True
                out = subprocess.run([str(RABBITMQ_SH), "url"], check=True, capture_output=True, text=True).stdout
                self._url = out.strip().splitlines()[-1]
            return self._url

    def stop(self) -> None:
        if self.started_here:
            subprocess.run([str(RABBITMQ_SH), "stop"], check=False)


# ---------------------------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------------------------


class Redis:
    """The loopback server of tests/support/redis.sh; started here when the caller did not start it. Each `cache:
    redis` combination gets a database of its own (1, 2, …; Redis has 16), so their tests never share keys."""

    def __init__(self) -> None:
        self.started_here = False
        self._databases: dict[str, int] = {}
        self._lock = threading.Lock()

    def ensure(self) -> None:
        if subprocess.run([str(REDIS_SH), "status"], check=False).returncode != 0:
            subprocess.run([str(REDIS_SH), "start"], check=True, stdout=subprocess.DEVNULL)
            self.started_here = True

    def url(self, combo: Combo) -> str:
        with self._lock:
            database = self._databases.setdefault(combo.id, len(self._databases) + 1)
        if database > 15:  # Redis has 16 databases by default; 0 is left to hand-run tests
            msg = f"more than 15 redis combinations: {sorted(self._databases)}"
            raise RuntimeError(msg)
        out = subprocess.run([str(REDIS_SH), "url", str(database)], check=True, capture_output=True, text=True)
        return out.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        if self.started_here:
            subprocess.run([str(REDIS_SH), "stop"], check=False)


# ---------------------------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------------------------

_BUILD_WHEEL = """
import importlib, sys, tomllib
from pathlib import Path
backend = tomllib.loads(Path("pyproject.toml").read_text())["build-system"]["build-backend"]
module, _, attr = backend.partition(":")
hooks = importlib.import_module(module)
for part in filter(None, attr.split(".")):
    hooks = getattr(hooks, part)
Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)
print(hooks.build_wheel(sys.argv[1]))
"""

TOOLS = ("ruff-check", "ruff-format", "mypy", "lint-imports", "pytest", "wheel")


def junit_report(project: Project) -> Path:
    return project.workspace / "pytest-report.xml"


def mypy_cache_for(combo: Combo) -> Path:
    return CACHE / "mypy" / re.sub(r"[^A-Za-z0-9_.=-]", "_", combo.id)


class Matrix:
    """Runs (combination, tool) jobs on a pool, in submission order, and keeps their results and timings."""

    def __init__(self, projects: Projects, postgres: Postgres, redis: Redis, jobs: int) -> None:
        self.projects = projects
        self.postgres = postgres
        self.redis = redis
        self.rabbitmq = RabbitMq()
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="matrix")
        self.futures: dict[tuple[str, str], concurrent.futures.Future[Result | None]] = {}
        self.first_mypy: concurrent.futures.Future[Result | None] | None = None
        self.first_mypy_cache: Path | None = None
        self.db_urls: dict[str, str] = {}
        self._db_lock = threading.Lock()
        self.timings: dict[str, dict[str, float]] = {}
        self.deadline = time.monotonic() + MATRIX_BUDGET

    def submit(self, combo: Combo, tool: str) -> None:
        key = (combo.id, tool)
        if key in self.futures:
            return
        future = self.pool.submit(self._run_tool, combo, tool)
        if tool == "mypy" and self.first_mypy is None:
            self.first_mypy = future
            self.first_mypy_cache = mypy_cache_for(combo)
        self.futures[key] = future

    def result(self, combo: Combo, tool: str) -> Result | None:
        self.submit(combo, tool)
        return self.futures[(combo.id, tool)].result()

    def db_url(self, combo: Combo) -> str:
        with self._db_lock:
            if combo.id not in self.db_urls:
                self.db_urls[combo.id] = self.postgres.createdb(combo)
            return self.db_urls[combo.id]

    def _run_tool(self, combo: Combo, tool: str) -> Result | None:
        got = self.projects.get(combo)
        if isinstance(got, Result):
            return None  # the test reports the generation failure
        project = got
        env = clean_env()
        if tool == "ruff-check":
            argv = ["ruff", "check", "--no-cache", "."]
        elif tool == "ruff-format":
            argv = ["ruff", "format", "--no-cache", "--check", "--diff", "."]
        elif tool == "mypy":
            cache = mypy_cache_for(combo)
            first = self.first_mypy
            if first is not None and self.futures.get((combo.id, tool)) is not first:
                concurrent.futures.wait([first])  # the first run warms the cache that seeds the others
            seed = self.first_mypy_cache
            seeding = os.environ.get("PYTHON_DDD_MYPY_SEED", "1") != "0"
            if seeding and not cache.exists() and seed is not None and seed != cache and seed.is_dir():
                # Third-party modules (sqlalchemy, pydantic, fastapi…) are the bulk of a cold run and the same
                # everywhere; first-party entries are revalidated by content hash, so a copied entry is safe.
                shutil.copytree(seed, cache)
            env["MYPY_CACHE_DIR"] = str(cache)
            argv = ["mypy", "--strict", "."]
        elif tool == "lint-imports":
            env["PYTHONPATH"] = os.pathsep.join(project.source_roots)
            argv = ["lint-imports", "--no-cache"]
        elif tool == "pytest":
            if combo.sqlalchemy:
                env["TEST_DATABASE_URL"] = self.db_url(combo)
            argv = ["pytest", "-p", "no:cacheprovider", "-q"]
            if combo.redis:
                env["TEST_REDIS_URL"] = self.redis.url(combo)
            if combo.event_bus == "rabbitmq":
                env["TEST_AMQP_URL"] = self.rabbitmq.url()
            if combo.redis or combo.event_bus == "rabbitmq":
                # The report test_tool reads to see that the server-backed tests ran (a skip or a missing file
                # would pass quietly).
                argv += ["--junitxml", str(junit_report(project))]
        elif tool == "wheel":
            # `nx build` runs `uv build --wheel`, i.e. the declared PEP 517 backend (hatchling); calling the
            # backend's hook from this venv is the same build without a build environment (~4 s a combination).
            argv = [sys.executable, "-c", _BUILD_WHEEL, str(project.workspace / "dist")]
        else:
            msg = f"unknown tool {tool}"
            raise ValueError(msg)
        left = int(self.deadline - time.monotonic())
        if left <= 0:
            return Result(argv, project.context, -1, f"[not run: the matrix's {MATRIX_BUDGET} s budget is spent]", 0.0)
        result = run(argv, cwd=project.context, env=env, timeout=min(TOOL_TIMEOUT, left))
        self.timings.setdefault(combo.id, {})[tool] = result.seconds
        return result
