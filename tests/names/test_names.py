"""Property test of names and field specs (issue 9): every input the generator accepts gives a green project, and
everything else is refused up front — exit 2, a message naming the option and the input, nothing written.

Inputs come from strategies.py (context names, entity overrides, 0-30 fields from Python keywords, built-ins,
pydantic/SQLAlchemy attribute names, SQL reserved words, names derived from the context; every type, optional or
not; every option value). Every accepted example is generated into one workspace (one folder per example) so the
fast checks run once over all of them: `ruff check`, `ruff format --check`, `python -m compileall`. A sample of the
accepted examples (spread over the run) also gets `mypy --strict`, `pytest` (SQLite, and PostgreSQL through
TEST_DATABASE_URL when the example has tables and a server is available) and `lint-imports`.

A failure names each failing example with the exact `python-ddd generate …` command that reproduces it.

Environment (defaults are CI's):
  PYTHON_DDD_NAMES_SEED       hypothesis seed (default 9)
  PYTHON_DDD_NAMES_EXAMPLES   examples drawn (default 300)
  PYTHON_DDD_NAMES_SAMPLE     accepted examples that also get mypy, pytest and lint-imports (default 3; `all`)
  PYTHON_DDD_NAMES_FULL=1     2000 examples, and every accepted one through every tool
  PYTHON_DDD_KEEP             keep the generated workspace (prints where)
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "matrix"))

from harness import CACHE, Combo, Postgres, Result, binary, clean_env, run, tail
from strategies import combos

FULL = os.environ.get("PYTHON_DDD_NAMES_FULL") == "1"
SEED = int(os.environ.get("PYTHON_DDD_NAMES_SEED") or 9)
EXAMPLES = int(os.environ.get("PYTHON_DDD_NAMES_EXAMPLES") or (2000 if FULL else 300))
SAMPLE = os.environ.get("PYTHON_DDD_NAMES_SAMPLE") or ("all" if FULL else "3")
# A refusal must be quick, whatever the input (a 1 MiB name once took ~100 s).
REFUSAL_SECONDS = 2.0


@dataclasses.dataclass(frozen=True)
class Accepted:
    combo: Combo
    root: Path

    @property
    def context(self) -> Path:
        return self.root / self.combo.context_dir

    def command(self) -> str:
        return shlex.join([str(binary()), *self.combo.argv(Path("/tmp/repro"))])


WORKSPACE = Path(tempfile.mkdtemp(prefix="python-ddd-names."))
ACCEPTED: list[Accepted] = []
REFUSED: list[str] = []
LONG_CONTEXTS = 0
LONG_FIELDS = 0
LONG_ENTITIES = 0
# The line-length check (validate::check_line_lengths) is a guard, not a rule: for names within the limits the
# templates must give lines `ruff format` leaves as they are. A refusal naming it is a template defect.
LINE_LENGTH_REFUSAL = "that `ruff format` would rewrite"
_COUNTER = iter(range(10**9))


def teardown_module() -> None:
    if os.environ.get("PYTHON_DDD_KEEP"):
        print(f"\nnames: kept the generated workspace in {WORKSPACE}")
    else:
        shutil.rmtree(WORKSPACE, ignore_errors=True)
    total = len(ACCEPTED) + len(REFUSED)
    rate = 100 * len(ACCEPTED) / total if total else 0.0
    print(
        f"\nnames: {len(ACCEPTED)} accepted, {len(REFUSED)} refused, acceptance {rate:.0f}% "
        f"(seed {SEED}, {EXAMPLES} examples; {LONG_CONTEXTS} with a context of 25-40 characters, "
        f"{LONG_FIELDS} with a field of 35-40 characters, {LONG_ENTITIES} with an entity override of 25-40)"
    )
    reasons = Counter(
        re.sub(r"`[^`]*`", "…", line.strip())[:90]
        for output in REFUSED
        for line in output.splitlines()
        if line.strip().startswith("- ")
    )
    for reason, count in reasons.most_common(8):
        print(f"  {count:4} x {reason}")


def _command(combo: Combo) -> str:
    return shlex.join([str(binary()), *combo.argv(Path("/tmp/repro"))])


@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    database=None,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(combo=combos())
def test_every_input_is_accepted_or_refused_up_front(combo: Combo) -> None:
    global LONG_CONTEXTS, LONG_FIELDS, LONG_ENTITIES  # tallies for the summary
    LONG_CONTEXTS += 25 <= len(combo.name) <= 40
    LONG_FIELDS += any(35 <= len(item.split(":")[0]) <= 40 for item in (combo.fields or "").split(","))
    LONG_ENTITIES += 25 <= len(combo.entity or "") <= 40
    root = WORKSPACE / f"ex{next(_COUNTER):05d}"
    root.mkdir()
    started = time.monotonic()
    result = run([str(binary()), *combo.argv(root)], cwd=WORKSPACE, env=clean_env())
    seconds = time.monotonic() - started
    reproduce = f"reproduce with: {_command(combo)}"
    if result.returncode == 2:
        written = [str(p.relative_to(root)) for p in root.rglob("*")]
        assert not written, f"a refused input wrote files {written[:5]}\n{reproduce}"
        assert seconds < REFUSAL_SECONDS, f"refusing took {seconds:.1f} s\n{reproduce}"
        problems = [line for line in result.output.splitlines() if line.strip()]
        assert problems, f"exit 2 without a message\n{reproduce}"
        # Every problem names its option (`name`, `entity`, `fields`, …) or the argument the CLI could not parse.
        assert re.search(r"`(name|entity|fields|options)`|argument|option", result.output), (
            f"the refusal names no option:\n{result.output}\n{reproduce}"
        )
        # The line-length check is a guard, not a rule (docs/naming.md, "Long names"): every name within the
        # limits must give lines `ruff format` keeps, so a refusal by it is a template or reflow defect.
        assert LINE_LENGTH_REFUSAL not in result.output, (
            f"refused for line length (a template gives a line ruff would reformat):\n{result.output}\n{reproduce}"
        )
        REFUSED.append(result.output)
        shutil.rmtree(root)
        return
    assert result.returncode == 0, f"{result.describe()}\n{tail(result.output, 40)}\n{reproduce}"
    accepted = Accepted(combo, root)
    assert (accepted.context / "pyproject.toml").is_file(), f"no pyproject.toml\n{reproduce}"
    ACCEPTED.append(accepted)


def _owner(path_text: str) -> Accepted | None:
    """The example a tool's output line is about (its folder `exNNNNN`)."""
    found = re.search(r"\bex(\d{5})\b", path_text)
    if not found:
        return None
    root = WORKSPACE / f"ex{found.group(1)}"
    return next((a for a in ACCEPTED if a.root == root), None)


def _report(tool: str, result: Result) -> str:
    """One block per failing example: its reproducing command and the tool's lines about it."""
    blocks: dict[Path, list[str]] = {}
    owners: dict[Path, Accepted] = {}
    for line in result.output.splitlines():
        owner = _owner(line)
        if owner is not None:
            blocks.setdefault(owner.root, []).append(line)
            owners[owner.root] = owner
    if not blocks:
        return f"{tool}: {result.describe()}\n{tail(result.output, 80)}"
    parts = [f"{tool} failed for {len(blocks)} accepted example(s):"]
    for root, lines in list(blocks.items())[:10]:
        parts.append(f"\n- reproduce with: {owners[root].command()}")
        parts.extend(f"    {line}" for line in lines[:15])
    return "\n".join(parts)


FAST_TOOLS = {
    "ruff-check": ["ruff", "check", "--no-cache", "--output-format", "concise", "."],
    "ruff-format": ["ruff", "format", "--no-cache", "--check", "."],
    "compileall": [sys.executable, "-m", "compileall", "-q", "-j", "0", "."],
}


@pytest.mark.parametrize("tool", list(FAST_TOOLS))
def test_every_accepted_example_passes(tool: str) -> None:
    if not ACCEPTED:
        pytest.fail("no example was accepted: the strategies or the generator are broken")
    result = run(FAST_TOOLS[tool], cwd=WORKSPACE, env=clean_env(PYTHONDONTWRITEBYTECODE=None), timeout=600)
    print(f"{tool}: {len(ACCEPTED)} examples in {result.seconds:.1f} s")
    assert result.returncode == 0, _report(tool, result)


def _sample() -> list[Accepted]:
    """`SAMPLE` accepted examples spread over the run, preferring ones with tables (they exercise SQL)."""
    if SAMPLE == "all":
        return list(ACCEPTED)
    count = int(SAMPLE)
    ranked = sorted(ACCEPTED, key=lambda a: (not a.combo.sqlalchemy, a.root.name))
    with_tables = [a for a in ranked if a.combo.sqlalchemy]
    others = [a for a in ranked if not a.combo.sqlalchemy]
    step = max(1, len(with_tables) // max(1, count - 1))
    chosen = with_tables[::step][: max(0, count - 1)]
    chosen += (others or with_tables)[:1]
    return chosen[:count]


def test_a_sample_passes_mypy_pytest_and_lint_imports() -> None:
    sample = _sample()
    if not sample:
        pytest.fail("no example was accepted")
    postgres = Postgres() if os.environ.get("TEST_DATABASE_URL") else None
    failures = []
    for index, accepted in enumerate(sample):
        env = clean_env(MYPY_CACHE_DIR=str(CACHE / "mypy" / "names"))
        checks: list[tuple[str, list[str], dict[str, str]]] = [("mypy", ["mypy", "--strict", "."], env)]
        roots = [str(accepted.context / d) for d in ("domain", "application", "infrastructure", "interface")]
        checks.append(("lint-imports", ["lint-imports", "--no-cache"], clean_env(PYTHONPATH=os.pathsep.join(roots))))
        test_env = clean_env()
        if accepted.combo.sqlalchemy and postgres is not None:
            test_env["TEST_DATABASE_URL"] = postgres.createdb(
                Combo(name=f"names{index}-{accepted.root.name}", persistence="sqlalchemy")
            )
        checks.append(("pytest", ["pytest", "-p", "no:cacheprovider", "-q", "-rs"], test_env))
        for tool, argv, tool_env in checks:
            result = run(argv, cwd=accepted.context, env=tool_env)
            print(f"{accepted.root.name} {tool}: exit {result.returncode} in {result.seconds:.1f} s")
            # With a database URL nothing may be skipped (the PostgreSQL variant must really run).
            skipped = tool == "pytest" and "TEST_DATABASE_URL" in tool_env and re.search(r"\d+ skipped", result.output)
            if result.returncode != 0 or skipped:
                failures.append(
                    f"- {tool} failed; reproduce with: {accepted.command()}\n"
                    f"  {result.describe()}\n{tail(result.output, 60)}"
                )
    assert not failures, "\n".join(failures)
