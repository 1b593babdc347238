#!/usr/bin/env bash
# Runs fyr's PyMISP compatibility suite (tests/compat/test_*.py) and the
# required tests of PyMISP's own live suite against a freshly started fyr,
# once on SQLite and once on PostgreSQL.
#   usage: run.sh PYTHON FYR_BINARY
set -euo pipefail
PY="$1"
case "$PY" in */*) PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")" ;; esac
FYR="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
SERVER_PID=""
SIDECAR_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$SIDECAR_PID" ]; then kill "$SIDECAR_PID" 2>/dev/null || true; wait "$SIDECAR_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# PyMISP's live suite, from the sdist of the pinned version.
PYMISP_VERSION="$("$PY" -c 'import importlib.metadata as m; print(m.version("pymisp"))')"
LIVE="$WORK/live"
mkdir -p "$LIVE/tests/viper-test-files"
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: "pymisp==$PYMISP_VERSION" -d "$WORK/sdist"
tar -xzf "$WORK"/sdist/pymisp-*.tar.gz -C "$WORK/sdist"
cp "$WORK"/sdist/pymisp-*/tests/testlive_comprehensive.py "$LIVE/"
# No network to update MISP's JSON libraries from: fast mode, as PyMISP's CI allows.
sed -i 's/^fast_mode = False/fast_mode = True/' "$LIVE/testlive_comprehensive.py"
grep -q '^fast_mode = True' "$LIVE/testlive_comprehensive.py"

# A real SMTP server and a real DNS server for the exposure tests.
export FYR_COMPAT_SIDECAR="$WORK/sidecar"
mkdir -p "$FYR_COMPAT_SIDECAR"
"$PY" "$HERE/sidecar.py" "$FYR_COMPAT_SIDECAR" &
SIDECAR_PID=$!
for _ in $(seq 1 100); do [ -f "$FYR_COMPAT_SIDECAR/ports" ] && break; sleep 0.1; done
read -r SMTP_PORT DNS_PORT < "$FYR_COMPAT_SIDECAR/ports" || true
if [ -z "${SMTP_PORT:-}" ] || [ -z "${DNS_PORT:-}" ]; then echo "the SMTP/DNS sidecar did not start" >&2; exit 1; fi
export FYR_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
export FYR_DNS_SERVER="127.0.0.1:$DNS_PORT"
export FYR_WORKER_INTERVAL=1
export FYR_MAIL_FROM="CERT-SE <cert@fyr.test>"
export FYR_SENDER_NAME="CERT-SE via fyr"
# The webhook receivers in test_exposure.py listen on 127.0.0.1, which fyr refuses by default.
export FYR_WEBHOOK_ALLOW_PRIVATE=1

start_server() { # $1 = database url ("" for SQLite in the work dir)
  local data="$WORK/data-$RANDOM"
  mkdir -p "$data"
  export FYR_ADMIN_KEY="$("$PY" -c 'import secrets,string; a=string.ascii_letters+string.digits; print("".join(secrets.choice(a) for _ in range(40)))')"
  export FYR_EXPOSURE_INBOX="$data/inbox"
  mkdir -p "$FYR_EXPOSURE_INBOX"
  local args=(serve --listen 127.0.0.1:0 --data-dir "$data")
  if [ -n "$1" ]; then args+=(--database-url "$1"); fi
  FYR_LOG=warn "$FYR" "${args[@]}" 2>"$data/server.log" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if grep -q 'listening on http://' "$data/server.log" 2>/dev/null; then break; fi
    sleep 0.1
  done
  FYR_URL="$(grep -o 'http://[0-9.:]*' "$data/server.log" | head -n 1)"
  if [ -z "$FYR_URL" ]; then cat "$data/server.log" >&2; echo "fyr did not start" >&2; exit 1; fi
  export FYR_URL
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

pg_db() { # creates a fresh PostgreSQL database and prints its URL
  local name="fyr_compat_$RANDOM$RANDOM"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $name" >/dev/null
  echo "postgres://postgres@127.0.0.1:5432/$name"
}

mapfile -t REQUIRED < <(grep -v '^#' "$HERE/pymisp-live-required.txt" | grep . | sed 's/^/testlive_comprehensive.py::TestComprehensive::/')

for backend in sqlite postgres; do
  url=""
  if [ "$backend" = postgres ]; then url="$(pg_db)"; fi
  echo "-- fyr compatibility suite on $backend"
  start_server "$url"
  "$PY" -m pytest "$HERE" -q -p no:cacheprovider
  stop_server

  if [ "$backend" = postgres ]; then url="$(pg_db)"; fi
  echo "-- PyMISP live suite (required tests) on $backend"
  start_server "$url"
  printf "url = '%s'\nkey = '%s'\n" "$FYR_URL" "$FYR_ADMIN_KEY" > "$LIVE/keys.py"
  (cd "$LIVE" && "$PY" -m pytest -q -p no:cacheprovider "${REQUIRED[@]}")
  stop_server
done
