"""The option matrix: every supported combination of the `domain` generator must pass the generated project's own
checks (ruff check, ruff format --check, mypy --strict, pytest, lint-imports) with the pinned tools, and the
layer contracts must be real (a planted violation fails lint-imports).

Test ids read `<persistence>-<eventBus>-<api>-<projectLayout>[-cache=redis][-fields=<spec>][-name=<name>]::<tool>`.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from http import HTTPStatus
from typing import TYPE_CHECKING

import pytest
from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from harness import (
    ALL_OPTIONS,
    BROKER_EVENT_BUSES,
    CACHE,
    TOOLS,
    VENV_OPTIONS,
    Combo,
    Matrix,
    Postgres,
    Project,
    Projects,
    Result,
    all_combos,
    broker_combos,
    clean_env,
    fail,
    junit_report,
    mypy_cache_for,
    option_combos,
    redis_combos,
    run,
)

if TYPE_CHECKING:
    from pathlib import Path

COMBOS = all_combos()
# The option combinations and the ones beside the product that take another server (Redis, RabbitMQ).
OPTION_AND_SERVER_COMBOS = option_combos() + redis_combos() + broker_combos()
JOBS = [pytest.param(combo, tool, id=f"{combo.id}::{tool}") for combo in COMBOS for tool in TOOLS]


def test_the_matrix_is_complete() -> None:
    """16 option combinations, two with the Redis cache, at least three field specs, one of which uses every kind
    (also optional); each broker outside the product in two explicit combinations that between them take every
    other option's values."""
    keys = {(c.persistence, c.event_bus, c.api, c.layout) for c in option_combos()}
    assert len(keys) == 16
    for bus in BROKER_EVENT_BUSES:
        combos = [c for c in broker_combos() if c.event_bus == bus]
        for option in ("persistence", "api", "layout"):
            values = {getattr(c, option) for c in combos}
            assert values == {getattr(c, option) for c in option_combos()}, (bus, option, values)
    assert {c.event_bus for c in COMBOS} == {c.event_bus for c in option_combos()} | set(BROKER_EVENT_BUSES)
    specs = {c.fields for c in COMBOS if c.fields}
    assert len(specs) >= 3
    kinds = ["str", "int", "bool", "decimal", "datetime", "date", "uuid", "email", "money", "enum("]
    assert any(all(f":{k}" in s and re.search(rf":{re.escape(k)}[^,]*\?", s) for k in kinds) for s in specs)
    # `cache: redis` beside the product: with every other option and with none, ids apart from the product's.
    assert {(c.persistence, c.event_bus, c.api, c.layout) for c in redis_combos()} == {
        ("sqlalchemy", "kafka", "fastapi", "single"),
        ("memory", "memory", "none", "per-layer"),
    }
    assert all(c.cache == "redis" and c.id.endswith("-cache=redis") for c in redis_combos())
    assert len({c.id for c in COMBOS}) == len(COMBOS)


# ---------------------------------------------------------------------------------------------------------------
# The tools, per combination
# ---------------------------------------------------------------------------------------------------------------

_SUMMARY = re.compile(r"^=*\s*(?:\d+ \w+(?:, )?)+.* in [\d.]+s", re.MULTILINE)


def _count(summary: str, word: str) -> int:
    match = re.search(rf"(\d+) {word}", summary)
    return int(match.group(1)) if match else 0


def _pytest_summary(output: str) -> str:
    lines = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed|skipped|errors?)\b.* in ", line)]
    return lines[-1] if lines else ""


def _postgres_activity(postgres: Postgres, url: str) -> int:
    """Transactions the tests ran in their database (stats reach pg_stat_database when a backend ends)."""
    db = url.rsplit("/", 1)[-1]
    sql = f"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{db}'"
    deadline = time.monotonic() + 5
    while True:
        value = int(postgres.query(db, sql) or 0)
        if value > 0 or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


# Tests of a `cache: redis` project that take the Redis adapter: the cache contract (10 tests) and the bootstrap's.
MIN_REDIS_TESTS = 11


def _redis_tests_passed(project: Project) -> tuple[int, list[str]]:
    """(how many tests with a `[redis]` parameter or `redis` in their name passed, the ones that did not)."""
    report = junit_report(project)
    if not report.is_file():
        return 0, [f"no JUnit report at {report}"]
    passed, other = 0, []
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        if "redis" not in case.get("name", ""):
            continue
        outcome = [child.tag for child in case if child.tag in {"failure", "error", "skipped"}]
        if outcome:
            other.append(f"{name}: {outcome[0]}")
        else:
            passed += 1
    return passed, other


def _check_wheel(combo: Combo, project: Project, result: Result) -> None:
    wheels = sorted((project.workspace / "dist").glob("*.whl"))
    if len(wheels) != 1:
        fail(combo, f"expected one wheel in {project.workspace / 'dist'}, found {[w.name for w in wheels]}", result)
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    layers = ["domain", "application", "infrastructure"] + (["api"] if combo.api == "fastapi" else [])
    missing = [
        f"{combo.name}_{layer}/__init__.py" for layer in layers if f"{combo.name}_{layer}/__init__.py" not in names
    ]
    tests = sorted(n for n in names if "/tests/" in f"/{n}" or n.startswith("tests/"))
    if missing or tests:
        fail(
            combo,
            f"the wheel {wheels[0].name} is wrong: missing packages {missing}; test files shipped {tests[:10]}",
            result,
        )


BROKER_TESTS = "test_rabbitmq_broker"
OUTBOX_BROKER_TESTS = ("test_a_refused_publish_stays_in_the_outbox", "test_a_lost_connection_stays_in_the_outbox")


def _check_broker_tests_ran(combo: Combo, project: Project, result: Result) -> None:
    """The real-broker tests passed (none skipped), through the outbox on both databases with SQLAlchemy."""
    report = junit_report(project)
    if not report.is_file():
        fail(combo, f"pytest wrote no report {report}", result)
    cases = [c for c in ET.parse(report).iter("testcase") if c.get("classname", "").endswith(BROKER_TESTS)]
    passed = {c.get("name", "") for c in cases if not any(c.iter("skipped")) and not any(c.iter("failure"))}
    expected = 6 + (3 * 2 if combo.sqlalchemy else 0)
    databases = ("[sqlite]", "[postgresql]") if combo.sqlalchemy else ()
    wanted = [(t, db) for t in OUTBOX_BROKER_TESTS for db in databases]
    missing = [f"{t}…{db}" for t, db in wanted if not any(p.startswith(t) and p.endswith(db) for p in passed)]
    if len(passed) < expected or missing:
        fail(
            combo,
            f"the RabbitMQ tests did not all run against the broker: {len(passed)} of {len(cases)} "
            f"{BROKER_TESTS} cases passed (expected at least {expected}); missing {missing}",
            result,
        )


@pytest.mark.parametrize(("combo", "tool"), JOBS)
def test_tool(combo: Combo, tool: str, matrix: Matrix, projects: Projects) -> None:
    project = projects.project(combo)  # fails with the generator's output when generation failed
    result = matrix.result(combo, tool)
    assert result is not None
    if result.returncode != 0:
        fail(combo, f"{tool} failed", result)
    if tool == "wheel":
        _check_wheel(combo, project, result)
    if tool != "pytest":
        return
    summary = _pytest_summary(result.output)
    if _count(summary, "passed") == 0:
        fail(combo, "pytest ran no tests", result)
    if _count(summary, "skipped"):
        fail(
            combo,
            "pytest skipped tests although the harness provides everything they need "
            "(TEST_DATABASE_URL is set for sqlalchemy combinations, TEST_AMQP_URL for rabbitmq ones)",
            result,
        )
    if combo.redis:
        passed, other = _redis_tests_passed(project)
        if passed < MIN_REDIS_TESTS or other:
            fail(
                combo,
                f"only {passed} Redis tests passed (expected at least {MIN_REDIS_TESTS}; TEST_REDIS_URL was set): "
                f"{other}",
                result,
            )
    if combo.event_bus == "rabbitmq":
        _check_broker_tests_ran(combo, project, result)
    if combo.sqlalchemy:
        url = matrix.db_urls[combo.id]
        activity = _postgres_activity(matrix.postgres, url)
        if activity == 0:
            fail(
                combo,
                f"the tests passed but never used PostgreSQL (TEST_DATABASE_URL={url}): "
                "the PostgreSQL variant of the integration tests did not run",
                result,
            )


# ---------------------------------------------------------------------------------------------------------------
# The pinned venv covers every combination's requirements
# ---------------------------------------------------------------------------------------------------------------


def _requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            continue  # options (-r/-c/--hash…); a nested file is read by pip in ensure-venv
        lines.append(line.rstrip("\\").strip())
    return lines


def _unsatisfied(requirement: Requirement, seen: set[str] | None = None) -> list[str]:
    """Why `requirement` is not satisfied by this interpreter's installed distributions (empty when it is)."""
    seen = set() if seen is None else seen
    env = default_environment()
    if requirement.marker is not None and not requirement.marker.evaluate({**env, "extra": ""}):
        return []
    key = f"{canonicalize_name(requirement.name)}{sorted(requirement.extras)}"
    if key in seen:
        return []
    seen.add(key)
    try:
        dist = importlib.metadata.distribution(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        return [f"{requirement}: not installed"]
    version = dist.version
    problems = []
    if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
        problems.append(f"{requirement}: installed {dist.metadata['Name']} {version}")
    for extra in sorted(requirement.extras):
        for spec in dist.requires or []:
            dep = Requirement(spec)
            if (
                dep.marker is not None
                and dep.marker.evaluate({**env, "extra": extra})
                and not dep.marker.evaluate({**env, "extra": ""})
            ):
                dep.marker = None
                problems += [f"{requirement} → {p}" for p in _unsatisfied(dep, seen)]
    return problems


def _declared(project: Project) -> list[tuple[str, str]]:
    """(where, requirement) for every requirement the generated project declares."""
    declared: list[tuple[str, str]] = []
    pyproject = project.pyproject
    declared += [("[project].dependencies", r) for r in pyproject.get("project", {}).get("dependencies", [])]
    for extra, reqs in pyproject.get("project", {}).get("optional-dependencies", {}).items():
        declared += [(f"[project.optional-dependencies].{extra}", r) for r in reqs]
    for group, reqs in pyproject.get("dependency-groups", {}).items():
        declared += [(f"[dependency-groups].{group}", r) for r in reqs if isinstance(r, str)]
    for path in sorted(project.context.rglob("requirements*.txt")):
        declared += [(str(path.relative_to(project.context)), r) for r in _requirement_lines(path)]
    for path in sorted(project.context.rglob("pyproject.toml")):
        if path != project.context / "pyproject.toml":
            declared.append((str(path.relative_to(project.context)), "# nested pyproject: see below"))
    return declared


@pytest.mark.parametrize("combo", [pytest.param(c, id=c.id) for c in COMBOS])
def test_requirements_are_covered_by_the_pinned_venv(combo: Combo, projects: Projects) -> None:
    project = projects.project(combo)
    declared = _declared(project)
    if not any(where.endswith(".txt") for where, _ in declared):
        fail(combo, "the generated project has no requirements*.txt with exact pins")
    problems = []
    for where, text in declared:
        if text.startswith("#"):
            continue
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            problems.append(f"{where}: {text!r} is not a valid requirement: {exc}")
            continue
        if where.endswith(".txt") and not re.fullmatch(r"==[^,*]+", str(requirement.specifier)):
            problems.append(f"{where}: {text!r} is not an exact pin (==)")
        problems += [f"{where}: {p}" for p in _unsatisfied(requirement)]
    if problems:
        fail(combo, "requirements not covered by the pinned venv:\n  " + "\n  ".join(problems))


def _imported_top_levels(project: Project) -> dict[str, str]:
    """Top-level module name -> first file importing it, over every generated .py file (stubs under typings/ too)."""
    imported: dict[str, str] = {}
    for path in sorted(project.context.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                imported.setdefault(name.split(".")[0], str(path.relative_to(project.context)))
    return imported


@pytest.mark.parametrize("combo", [pytest.param(c, id=c.id) for c in OPTION_AND_SERVER_COMBOS])
def test_every_third_party_import_is_declared_in_pyproject(combo: Combo, projects: Projects) -> None:
    """`uv run` installs only what pyproject.toml declares, so the pinned venv hides a missing declaration
    (Nx's targets failed with "No module named 'hypothesis'" while the matrix was green)."""
    project = projects.project(combo)
    pyproject = project.pyproject
    declared = list(pyproject.get("project", {}).get("dependencies", []))
    for reqs in pyproject.get("dependency-groups", {}).values():
        declared += [r for r in reqs if isinstance(r, str)]
    declared_names = {canonicalize_name(Requirement(r).name) for r in declared}
    local = {p.parent.name for p in project.context.rglob("__init__.py")}
    local |= {p.stem for p in project.context.rglob("*.py")}
    local |= {p.name for p in project.context.rglob("*") if p.is_dir()}
    distributions = importlib.metadata.packages_distributions()
    problems = []
    for module, where in sorted(_imported_top_levels(project).items()):
        if module in sys.stdlib_module_names or module in local or module == "__future__":
            continue
        owners = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not owners:
            problems.append(f"{where}: imports {module!r}, which no installed distribution provides")
        elif not owners & declared_names:
            owner = ", ".join(sorted(owners))
            problems.append(f"{where}: imports {module!r} ({owner}), not declared in pyproject.toml")
    if problems:
        fail(combo, "imports uv would not install:\n  " + "\n  ".join(problems))


def _recipes(combo: Combo) -> set[str]:
    recipes = {"default", "test", "lint", "typecheck", "format", "check"}
    return recipes | ({"serve"} if combo.api == "fastapi" else set()) | ({"migrate"} if combo.sqlalchemy else set())


@pytest.mark.parametrize("combo", [pytest.param(c, id=c.id) for c in option_combos()])
def test_the_justfile_has_the_recipes_the_options_call_for(combo: Combo, projects: Projects) -> None:
    project = projects.project(combo)
    result = run(["just", "--summary"], cwd=project.context)
    if result.returncode != 0 or set(result.output.split()) != _recipes(combo):
        fail(combo, f"`just --summary` should list exactly {sorted(_recipes(combo))}", result)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "combo",
    [pytest.param(c, id=c.id) for c in (ALL_OPTIONS, Combo(persistence="memory", event_bus="memory", api="none"))],
)
def test_the_justfile_recipes_run(combo: Combo, projects: Projects, matrix: Matrix) -> None:
    """`just check`, `just migrate` and `just serve` for real, with the pinned tools (`UV_RUN=` runs them from PATH)."""
    project = projects.project(combo)
    matrix.result(combo, "mypy")  # its cache seeds this run's, so only the project's own modules are checked again
    seed = mypy_cache_for(combo)
    cache = seed.with_name(f"{seed.name}-just")
    if not cache.exists() and seed.is_dir():
        shutil.copytree(seed, cache)
    env = clean_env(UV_RUN="", MYPY_CACHE_DIR=str(cache), RUFF_NO_CACHE="true")
    result = run(["just", "check"], cwd=project.context, env=env)
    if result.returncode != 0 or _count(_pytest_summary(result.output), "passed") == 0:
        fail(combo, "`just check` failed (or ran no tests)", result)
    if combo.sqlalchemy:
        database = project.workspace / "just-migrate.db"
        env[f"{combo.name.upper()}_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
        result = run(["just", "migrate"], cwd=project.context, env=env)
        tables = sqlite3.connect(database).execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        if result.returncode != 0 or ("alembic_version",) not in tables or ("orders",) not in tables:
            fail(combo, f"`just migrate` should create the tables (found {tables})", result)
    if combo.api == "fastapi":
        _check_just_serve(combo, project, env)


def _check_just_serve(combo: Combo, project: Project, env: dict[str, str]) -> None:
    port = _free_port()
    env = {**env, f"{combo.name.upper()}_PERSISTENCE": "memory", f"{combo.name.upper()}_EVENT_BUS": "memory"}
    argv = ["just", "serve", "--port", str(port)]
    server = subprocess.Popen(
        argv, cwd=project.context, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline, status = time.monotonic() + 60, None
        while status is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    status = response.status
            except OSError:
                time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    if status != HTTPStatus.OK:
        result = Result(argv, project.context, server.returncode, output.decode(errors="replace"), 0.0)
        fail(combo, f"`just serve` did not answer GET /health with 200 (got {status})", result)


def test_the_venv_was_built_from_the_all_options_pins(projects: Projects) -> None:
    """ensure-venv.sh copies the requirements it installed into the venv; they must be today's generated ones (of
    every option: the all-options combination with the Redis cache)."""
    from pathlib import Path

    installed_from = Path(sys.prefix) / "requirements-dev.txt"
    if not installed_from.is_file():
        pytest.fail(f"{sys.prefix} was not built by tests/support/ensure-venv.sh (no requirements-dev.txt)")
    for combo, copy in ((VENV_OPTIONS, "requirements-dev.txt"), (broker_combos()[0], "requirements-dev.rabbitmq.txt")):
        generated = projects.project(combo).context / "requirements-dev.txt"
        installed = Path(sys.prefix) / copy
        if not installed.is_file() or installed.read_text() != generated.read_text():
            pytest.fail(
                f"the venv {sys.prefix} is stale: it was built from other pins than {combo.id}'s generated "
                "requirements-dev.txt; rerun tests/support/ensure-venv.sh"
            )


# ---------------------------------------------------------------------------------------------------------------
# Options shape the output
# ---------------------------------------------------------------------------------------------------------------


def _python_text(project: Project) -> str:
    return "\n".join(p.read_text() for p in sorted(project.context.rglob("*.py")))


_IMPORTS = {
    "sqlalchemy": re.compile(r"^\s*(from|import)\s+sqlalchemy\b", re.MULTILINE),
    "aiokafka": re.compile(r"^\s*(from|import)\s+aiokafka\b", re.MULTILINE),
    "aio_pika": re.compile(r"^\s*(from|import)\s+aio_pika\b", re.MULTILINE),
    "fastapi": re.compile(r"^\s*(from|import)\s+fastapi\b", re.MULTILINE),
    "redis": re.compile(r"^\s*(from|import)\s+redis\b", re.MULTILINE),
}


@pytest.mark.parametrize("combo", [pytest.param(c, id=c.id) for c in OPTION_AND_SERVER_COMBOS])
def test_options_decide_which_frameworks_appear(combo: Combo, projects: Projects) -> None:
    text = _python_text(projects.project(combo))
    wanted = {
        "sqlalchemy": combo.sqlalchemy,
        "aiokafka": combo.event_bus == "kafka",
        "aio_pika": combo.event_bus == "rabbitmq",
        "fastapi": combo.api == "fastapi",
        "redis": combo.redis,
    }
    found = {lib: bool(_IMPORTS[lib].search(text)) for lib in wanted}
    problems = [
        f"{lib}: expected {'an' if expect else 'no'} import, found {'one' if found[lib] else 'none'}"
        for lib, expect in wanted.items()
        if found[lib] != expect
    ]
    if problems:
        fail(combo, "the generated code does not follow the options:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------------------------------------------
# The layer contract is real
# ---------------------------------------------------------------------------------------------------------------

PLANTS = {
    # name: (layer package suffix, line to append)
    "domain-imports-infrastructure": ("domain", "import {name}_infrastructure"),
    "domain-imports-application": ("domain", "import {name}_application"),
    "domain-imports-sqlalchemy": ("domain", "from sqlalchemy import select"),
    "domain-imports-pydantic": ("domain", "from pydantic import BaseModel"),
    "application-imports-infrastructure": ("application", "import {name}_infrastructure"),
    "application-imports-fastapi": ("application", "from fastapi import APIRouter"),
}
PLANT_COMBOS = [ALL_OPTIONS, Combo(layout="per-layer")]


def _target_module(package_dir: Path, entity_snake: str) -> Path:
    """A leaf module of the package (the entity's, when there is one): where a careless import would go."""
    preferred = [
        package_dir / "entities" / f"{entity_snake}.py",
        package_dir / "ports" / f"{entity_snake}_repository.py",
    ]
    for path in preferred:
        if path.is_file():
            return path
    modules = sorted(p for p in package_dir.rglob("*.py") if p.name != "__init__.py")
    return modules[0] if modules else package_dir / "__init__.py"


def _broken(output: str) -> int:
    match = re.search(r"(\d+) broken", output)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize("plant", list(PLANTS))
@pytest.mark.parametrize("combo", [pytest.param(c, id=c.id) for c in PLANT_COMBOS])
def test_a_planted_layer_violation_fails_lint_imports(
    combo: Combo, plant: str, projects: Projects, tmp_path: Path
) -> None:
    original = projects.project(combo)
    context = tmp_path / "context"
    shutil.copytree(original.context, context, ignore=shutil.ignore_patterns("__pycache__", ".*_cache"))
    project = Project(combo, tmp_path, context, original.generate, original.pyproject)
    env = clean_env(PYTHONPATH=":".join(project.source_roots))

    baseline = run(["lint-imports", "--no-cache"], cwd=context, env=env)
    if baseline.returncode != 0:
        fail(combo, "lint-imports fails before anything is planted (see the matrix's lint-imports test)", baseline)

    layer, line = PLANTS[plant]
    target = _target_module(project.package_dir(f"{combo.name}_{layer}"), "order")
    planted = line.format(name=combo.name)
    target.write_text(target.read_text() + f"\n{planted}  # planted by the matrix\n")
    after = run(["lint-imports", "--no-cache"], cwd=context, env=env)
    where = f"`{planted}` appended to {target.relative_to(context)}"
    if after.returncode == 0:
        fail(combo, f"lint-imports still passes with {where}: the contract is not real", after)
    if _broken(after.output) == 0:
        fail(combo, f"lint-imports failed with {where}, but not because a contract broke", after)


def test_the_mypy_caches_are_per_combination() -> None:
    """Two combinations never share a cache directory (their module names collide, their contents differ)."""
    dirs = [mypy_cache_for(c) for c in COMBOS]
    assert len(set(dirs)) == len(dirs)
    assert all(d.parent == CACHE / "mypy" for d in dirs)


# ---------------------------------------------------------------------------------------------------------------
# Generation is deterministic and a re-run writes nothing
# ---------------------------------------------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("combo", [pytest.param(c, id=c.id) for c in COMBOS])
def test_generation_is_deterministic_and_a_rerun_writes_nothing(
    combo: Combo, projects: Projects, tmp_path: Path
) -> None:
    from harness import binary, generate

    first = projects.project(combo)
    again = generate(combo, tmp_path)
    if again.returncode != 0:
        fail(combo, "a second `python-ddd generate` into a fresh folder failed", again)
    ours = _snapshot(tmp_path / combo.context_dir)
    theirs = {path: content for path, (content, _) in _snapshot(first.context).items() if path in first.generate_paths}
    differ = sorted(p for p in ours.keys() | theirs.keys() if ours.get(p, (None,))[0] != theirs.get(p))
    if differ:
        fail(combo, "two runs with the same options produced different trees:\n  " + "\n  ".join(differ[:50]))

    rerun = run([str(binary()), *combo.argv(tmp_path)], cwd=tmp_path)
    if rerun.returncode != 0:
        fail(combo, "re-running `python-ddd generate` over its own output failed", rerun)
    after = _snapshot(tmp_path / combo.context_dir)
    touched = sorted(p for p in ours.keys() | after.keys() if ours.get(p) != after.get(p))
    if touched:
        fail(combo, "re-running over an unchanged tree touched files:\n  " + "\n  ".join(touched[:50]), rerun)
