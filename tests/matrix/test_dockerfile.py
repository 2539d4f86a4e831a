"""The generated Dockerfile (FastAPI contexts): hadolint passes, and its steps, run outside Docker, build an
environment that serves the API.

No Docker daemon runs here, so the image is emulated: every absolute path the Dockerfile names (`/opt/venv`, `/src`,
`/app`, `/data`) is mapped under a temporary root, each stage's COPY copies from the build context (or is the
build stage's venv), each RUN runs with `sh -c` and the stage's ENV, with the pinned uv on PATH. Then the runtime
stage's CMD serves the API (on a free port), `alembic upgrade head` runs first where the image says so, and the API
answers its probes and a read of the collection. What this can't show is the base images' own contents
(`python:3.11-slim-bookworm` is the same CPython 3.11 as here).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import pytest

from harness import ALL_OPTIONS, REPO, VENV_BIN, Combo, Projects, Result, clean_env, fail, run

UV_VERSION = "0.13.9"  # tests/nx/run.sh's UV_VERSION: the uv every test runs
DOCKER_COMBOS = [ALL_OPTIONS, Combo(persistence="memory", event_bus="memory", layout="per-layer")]
IMAGE_PATHS = ("/opt/venv", "/src", "/app", "/data")
COLLECTION = "/orders"  # both combinations keep the default context, `orders`


@dataclass
class Stage:
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)


def parse(dockerfile: str) -> list[Stage]:
    """The stages and their instructions (keyword, arguments), continuation lines joined, comments dropped."""
    stages: list[Stage] = []
    logical = re.sub(r"\\\n\s*", " ", "\n".join(line for line in dockerfile.splitlines() if not line.startswith("#")))
    for line in logical.splitlines():
        if not line.strip():
            continue
        keyword, _, arguments = line.strip().partition(" ")
        if keyword == "FROM":
            stages.append(Stage(arguments.split(" AS ")[-1].strip()))
        else:
            stages[-1].instructions.append((keyword, arguments.strip()))
    return stages


def in_root(text: str, root: Path) -> str:
    for path in IMAGE_PATHS:
        text = re.sub(rf"(?<![\w.]){re.escape(path)}(?=/|\b|$)", f"{root}{path}", text)
    return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Image:
    """One emulated build: the stages run in order under `root`."""

    def __init__(self, combo: Combo, context: Path, root: Path, uv_path: str) -> None:
        self.combo, self.context, self.root = combo, context, root
        self.env = clean_env(PATH=f"{uv_path}{os.pathsep}/usr/local/bin{os.pathsep}/usr/bin{os.pathsep}/bin")
        self.env.pop("VIRTUAL_ENV", None)
        self.workdir = root
        self.cmd: list[str] = []

    def run_stage(self, stage: Stage) -> None:
        for keyword, arguments in stage.instructions:
            getattr(self, f"do_{keyword.lower()}")(in_root(arguments, self.root))

    def do_copy(self, arguments: str) -> None:
        parts = arguments.split()
        if parts[0].startswith("--from="):
            source = parts[0].removeprefix("--from=")
            # uv comes from PATH (pinned, checked below); the build stage's venv is already under the root.
            assert source in {"uv", "build"}, arguments
            return
        *sources, destination = parts
        into_folder = destination.endswith("/")
        target = Path(destination) if destination.startswith("/") else self.workdir / destination
        for source in sources:
            origin = self.context / source
            if origin.is_dir():
                shutil.copytree(origin, target, dirs_exist_ok=True)
            else:
                place = target / origin.name if into_folder else target
                place.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, place)

    def do_env(self, arguments: str) -> None:
        for pair in shlex.split(arguments):
            key, _, value = pair.partition("=")
            self.env[key] = value.replace("$PATH", self.env["PATH"])

    def do_workdir(self, arguments: str) -> None:
        self.workdir = Path(arguments)
        self.workdir.mkdir(parents=True, exist_ok=True)

    def do_run(self, arguments: str) -> None:
        # The image's system steps (users, /data's owner) need root and change nothing the emulation reads.
        if arguments.startswith("groupadd"):
            (self.root / "data").mkdir(exist_ok=True)
            return
        result = run(["sh", "-c", arguments], cwd=self.workdir, env=self.env, timeout=600)
        if result.returncode != 0:
            fail(self.combo, "a RUN step of the Dockerfile failed", result)

    def do_cmd(self, arguments: str) -> None:
        self.cmd = json.loads(arguments)

    def ignore(self, arguments: str) -> None:
        del arguments

    do_volume = do_user = do_expose = do_healthcheck = ignore


def get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture(scope="module")
def uv_path() -> str:
    result = run([str(REPO / "tests" / "support" / "ensure-uv.sh"), UV_VERSION], cwd=REPO, env=clean_env(), timeout=600)
    if result.returncode != 0:
        pytest.fail(f"installing uv failed\n{result.output}", pytrace=False)
    return result.output.strip().splitlines()[-1]


@pytest.mark.parametrize("combo", [pytest.param(c, id=c.id) for c in DOCKER_COMBOS])
def test_the_dockerfile_lints_and_its_steps_serve_the_api(
    combo: Combo, projects: Projects, uv_path: str, tmp_path: Path
) -> None:
    project = projects.project(combo)
    dockerfile = (project.context / "Dockerfile").read_text()

    result = run([str(VENV_BIN / "hadolint"), "Dockerfile"], cwd=project.context)
    if result.returncode != 0 or result.output.strip():
        fail(combo, "hadolint finds problems in the Dockerfile", result)
    if f"ghcr.io/astral-sh/uv:{UV_VERSION} " not in dockerfile:
        fail(combo, f"the Dockerfile should build with the uv the tests run ({UV_VERSION})")

    stages = parse(dockerfile)
    assert [stage.name for stage in stages] == ["uv", "build", "runtime"]
    image = Image(combo, project.context, tmp_path / "image", uv_path)
    image.run_stage(stages[1])
    runtime = Image(combo, project.context, image.root, uv_path)
    runtime.run_stage(stages[2])
    # No Kafka broker here: the served app publishes to the in-memory bus (the image's default is the option's).
    env = {**runtime.env, f"{combo.name.upper()}_EVENT_BUS": "memory"}
    if combo.sqlalchemy:
        result = run(["alembic", "upgrade", "head"], cwd=runtime.workdir, env=env)
        if result.returncode != 0:
            fail(combo, "`alembic upgrade head` in the image's /app failed", result)

    port = free_port()
    argv = [("127.0.0.1" if a == "0.0.0.0" else str(port) if a == "8000" else a) for a in runtime.cmd]
    server = subprocess.Popen(
        argv, cwd=runtime.workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, live = time.monotonic() + 60, None
        while live is None and time.monotonic() < deadline and server.poll() is None:
            try:
                live = get(f"{base}/health/live")
            except OSError:
                time.sleep(0.3)
        ready = get(f"{base}/health/ready") if live else None
        page = get(base + COLLECTION) if live else None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    result = Result(argv, runtime.workdir, server.returncode, output.decode(errors="replace"), 0.0)
    if live is None or ready is None or page is None or live[0] != HTTPStatus.OK:
        fail(combo, "the image's CMD did not answer GET /health/live with 200", result)
    expected_checks = {"database": "ok"} if combo.sqlalchemy else {}
    if ready[0] != HTTPStatus.OK or json.loads(ready[1]) != {"status": "ok", "checks": expected_checks}:
        fail(combo, f"GET /health/ready answered {ready[0]} {ready[1]!r}", result)
    if page[0] != HTTPStatus.OK:
        fail(combo, f"GET {COLLECTION} answered {page[0]} {page[1]!r} (are the tables there?)", result)
    access = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    requests = [line for line in access if line.get("logger") == f"{combo.name}_api.access"]
    if [line["path"] for line in requests][-2:] != ["/health/ready", COLLECTION] or not all(
        re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in requests
    ):
        fail(combo, "the served app should log each request as JSON with its request id", result)
