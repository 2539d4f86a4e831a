# Everyday recipes. Every one is a plain command; `just` is optional (pip install rust-just).

# List the recipes.
default:
    @just --list

# Debug build of the CLI.
build:
    cargo build --locked

# Every test, as CI runs it (Python venv, PostgreSQL, Nx workspace included).
test:
    tests/run-all.sh

# Only the Rust tests.
test-rust:
    cargo test --locked --workspace

# Lints.
lint:
    cargo fmt --all --check
    cargo clippy --locked --workspace --all-targets -- -D warnings

# Rewrite the committed schemas from the Rust option types, and the npm copies.
schemas:
    cargo run --locked -q -p python-ddd -- schema --write schemas
    node npm/scripts/sync-schemas.js

# Generate the default `orders` context into ./demo.
demo:
    cargo run --locked -q -p python-ddd -- generate domain orders --root demo

# Benchmarks beside their peers (docs/benchmarks.md); `just bench --smoke` for one quick run.
bench *ARGS:
    tests/bench/run.sh {{ARGS}}

# Build the release binary and pack both npm tarballs into dist/.
pack:
    npm/scripts/pack.sh dist
