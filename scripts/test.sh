#!/usr/bin/env bash
# The whole test suite: Rust tests on SQLite and PostgreSQL, fyr's PyMISP
# compatibility suite, and PyMISP's own live suite (the tests listed in
# tests/compat/pymisp-live-required.txt must pass).
set -euo pipefail
cd "$(dirname "$0")/.."

# The Shadowserver report schema the parser tests read (not copied into fyr).
if [ -z "${FYR_SHADOWSERVER_SCHEMA:-}" ]; then
  for p in ../shared/data/shadowserver/reports.json /work/shared/data/shadowserver/reports.json; do
    if [ -f "$p" ]; then export FYR_SHADOWSERVER_SCHEMA="$(cd "$(dirname "$p")" && pwd)/reports.json"; break; fi
  done
fi
: "${FYR_SHADOWSERVER_SCHEMA:?the Shadowserver schema (reports.json) was not found; set FYR_SHADOWSERVER_SCHEMA}"

bash scripts/ensure-postgres.sh
export FYR_TEST_PG_URL="${FYR_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

echo "== Rust tests (SQLite; storage and access-control suites also on PostgreSQL)"
cargo test --workspace --locked

echo "== HTTP API tests on PostgreSQL"
FYR_TEST_DATABASE=postgres cargo test --locked -p fyr-http --test it

echo "== PyMISP compatibility suites"
cargo build --locked -p fyr
PY="$(bash scripts/python-env.sh)"
bash tests/compat/run.sh "$PY" target/debug/fyr
