#!/usr/bin/env bash
# fyr's Shadowserver ingest beside IntelMQ's Shadowserver parser, on the same file.
#
#   scripts/bench-exposure.sh [ROWS]
#
# 1. builds fyr and fyr-bench (release) and runs `fyr-bench exposure`: a
#    generated Shadowserver report of ROWS rows uploaded to a real fyr server
#    over HTTP, parsed, matched against 1000 organisations' networks,
#    deduplicated and stored in SQLite (end to end, one import);
# 2. installs IntelMQ from PyPI into a venv (target/bench/intelmq-venv, reused);
# 3. runs IntelMQ's Shadowserver parser bot over the same file in-process
#    (library mode: no daemon, Redis or pipeline; scripts/intelmq_parse_bench.py):
#    parse only, one Python process, first INTELMQ_MAX_ROWS rows;
# 4. prints both rates, their ratio, the machine and the versions.
#
# Settings (environment):
#   ROWS                     rows in the report (default 1000000; the argument wins)
#   REPORT_TYPE              Shadowserver report type (default scan_http)
#   FYR_SHADOWSERVER_SCHEMA  Shadowserver's reports.json (default ../shared/data/shadowserver/reports.json)
#   INTELMQ_SCHEMA           the same schema in IntelMQ's format (default ../shared/data/shadowserver/intelmq.json)
#   INTELMQ_MAX_ROWS         IntelMQ parses only the first N rows of the file (default 200000; 0: all).
#                            IntelMQ parses about 1,500 rows/s here: a million rows would take over 10 minutes.
#   INTELMQ_MODE             direct (default: the parser's parse/parse_line loop, events dropped after
#                            counting) or library (Bot.process_message, events kept in memory)
#   INTELMQ_VERSION          the IntelMQ release installed (default 3.5.0)
#   PYTHON                   interpreter for the venv (default python3.11)
#
# The generated file stays in target/bench/ (overwritten on the next run).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROWS=${1:-${ROWS:-1000000}}
REPORT_TYPE=${REPORT_TYPE:-scan_http}
SCHEMA=${FYR_SHADOWSERVER_SCHEMA:-$ROOT/../shared/data/shadowserver/reports.json}
INTELMQ_SCHEMA=${INTELMQ_SCHEMA:-$ROOT/../shared/data/shadowserver/intelmq.json}
INTELMQ_MAX_ROWS=${INTELMQ_MAX_ROWS:-200000}
INTELMQ_MODE=${INTELMQ_MODE:-direct}
INTELMQ_VERSION=${INTELMQ_VERSION:-3.5.0}
PYTHON=${PYTHON:-python3.11}
BENCH=$ROOT/target/bench
VENV=$BENCH/intelmq-venv
# Shadowserver's file-name convention: date, report type, details.
FILE=$BENCH/2026-11-20-$REPORT_TYPE-bench.csv

for f in "$SCHEMA" "$INTELMQ_SCHEMA"; do
  [ -f "$f" ] || { echo "bench-exposure: no schema file $f" >&2; exit 1; }
done
case $ROWS in '' | *[!0-9]*) echo "usage: $0 [ROWS]" >&2; exit 2 ;; esac
mkdir -p "$BENCH"

echo "== building fyr (release)"
cargo build --release -p fyr -p fyr-bench

echo "== fyr: $ROWS rows of $REPORT_TYPE, upload → parse → match → deduplicate → store (SQLite)"
FYR_LOG_FILE=$BENCH/fyr-bench.out
target/release/fyr-bench exposure --schema "$SCHEMA" --rows "$ROWS" \
  --report-type "$REPORT_TYPE" --keep-file "$FILE" | tee "$FYR_LOG_FILE"
FYR_RATE=$(sed -n 's/.*import 1:.* \([0-9][0-9]*\) rows\/s.*/\1/p' "$FYR_LOG_FILE")
[ -n "$FYR_RATE" ] || { echo "bench-exposure: no rows/s figure in fyr-bench's output" >&2; exit 1; }

echo "== IntelMQ $INTELMQ_VERSION venv ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
if [ "$("$VENV/bin/python" -c 'import intelmq; print(intelmq.__version__)' 2>/dev/null)" != "$INTELMQ_VERSION" ]; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "intelmq==$INTELMQ_VERSION"
fi

echo "== IntelMQ: Shadowserver parser over the same file (parse only, one process)"
INTELMQ_LOG_FILE=$BENCH/intelmq-bench.out
"$VENV/bin/python" scripts/intelmq_parse_bench.py --file "$FILE" --schema "$INTELMQ_SCHEMA" \
  --report-type "$REPORT_TYPE" --max-rows "$INTELMQ_MAX_ROWS" --mode "$INTELMQ_MODE" | tee "$INTELMQ_LOG_FILE"
RESULT=$(grep '^RESULT ' "$INTELMQ_LOG_FILE")
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$RESULT"; }
IM_RATE=$(field rows_per_s)
IM_ROWS=$(field rows)
IM_CAPPED=$(field capped)
IM_VERSION=$(field version)

CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
RATIO=$(awk -v a="$FYR_RATE" -v b="$IM_RATE" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }')
if [ "$IM_CAPPED" = yes ]; then
  IM_SCOPE="first $IM_ROWS of $ROWS rows (INTELMQ_MAX_ROWS)"
else
  IM_SCOPE="all $IM_ROWS rows"
fi

cat <<EOF

== summary: Shadowserver $REPORT_TYPE, $ROWS rows ($(du -h "$FILE" | cut -f1)), $FILE
machine:  $(nproc) cores, $CPU, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
versions: $(target/release/fyr --version) (git $(git describe --always --dirty 2>/dev/null || echo ?), $(rustc --version | cut -d" " -f1-2)); IntelMQ $IM_VERSION on $("$VENV/bin/python" --version)
fyr      end to end (HTTP upload, parse, match 1000 orgs' networks, deduplicate, store in SQLite): $FYR_RATE rows/s
IntelMQ  Shadowserver parser, parse only (CSV row → validated Event, $INTELMQ_MODE mode, one process), $IM_SCOPE: $IM_RATE rows/s
ratio    fyr / IntelMQ: ${RATIO}x
EOF
