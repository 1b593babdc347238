#!/usr/bin/env bash
# The ceiling of fyr's findings schema on SQLite: how fast the upsert
# statement alone can store N findings, with no parsing, matching or driver
# in the way. Rows are made in an in-memory staging table first (untimed),
# then moved into exposure_findings (created by fyr's own migrations) with
# the same INSERT … ON CONFLICT DO UPDATE that fyr runs, in three variants:
# rows sorted by the unique key, unsorted, and sorted without the raw-fields
# JSON. See docs/PERFORMANCE.md ("Exposure ingest end to end").
#
#   usage: scripts/sqlite-ceiling.sh [ROWS]     (default 1000000; needs the sqlite3 shell)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-${ROWS:-1000000}}"
command -v sqlite3 >/dev/null || { echo "sqlite-ceiling: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
MIG=crates/fyr-store-sql/migrations/sqlite

run() { # name, ORDER BY clause, details expression
  local db="$WORK/$1.db"
  {
    echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384; PRAGMA temp_store=memory;"
    # fyr's schema; foreign keys stay off (the sqlite3 shell's default), so
    # the organisations and sources the rows name need not exist.
    cat "$MIG/0001_core.sql" "$MIG/0002_exposure.sql" "$MIG/0003_finding_scope.sql"
    # ~450 bytes of raw fields, as a scan_http record's JSON has.
    cat <<SQL
CREATE TEMP TABLE staging AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
SELECT 1 + (i * 7919) % 1000 AS org_id, 1 AS source_id, 'scan_http' AS kind,
       printf('10.%d.%d.%d:%d/tcp', (i * 2654435761) % 16, (i * 40503) % 256, (i * 69069) % 256, 1 + (i * 31) % 65535) || '#' || i AS asset,
       printf('10.%d.%d.%d', (i * 2654435761) % 16, (i * 40503) % 256, (i * 69069) % 256) AS ip,
       1 + (i * 31) % 65535 AS port, 1795651200 + i % 86400 AS seen,
       json_object('timestamp', '2026-11-20 11:07:05', 'severity', 'medium', 'ip', '10.6.120.8', 'protocol', 'tcp',
         'port', '8443', 'hostname', printf('printer%d.example.eu', i % 1000), 'tag', 'cve-2023-4966;citrix',
         'asn', '399271', 'geo', 'PL', 'region', 'UPPSALA LAN', 'city', 'OSLO', 'naics', '', 'hostname_source', '',
         'sector', 'Healthcare', 'http', 'fortinet-0.8', 'http_code', '24876', 'http_reason', 'Moved Permanently',
         'content_type', 'dvr-13.8', 'connection', '', 'www_authenticate', 'OK', 'set_cookie', 'gateway-18.1',
         'server', 'exchange-18.9', 'content_length', '75855', 'transfer_encoding', '', 'http_date',
         '2026-11-20 07:28:06', 'version', printf('%d', i)) AS details
FROM n;
SQL
    echo ".timer on"
    cat <<SQL
BEGIN;
INSERT INTO exposure_findings (org_id, source_id, kind, asset, ip, port, protocol, hostname, asn, severity, state,
                               first_seen, last_seen, seen_count, last_import_id, details)
SELECT org_id, source_id, kind, asset, ip, port, 'tcp', '', 399271, 2, 'new', seen, seen, 1, 1, $3
FROM staging WHERE true $2
ON CONFLICT (org_id, source_id, kind, asset) DO UPDATE SET last_seen = excluded.last_seen,
  seen_count = exposure_findings.seen_count + excluded.seen_count, details = excluded.details;
COMMIT;
SQL
  } | sqlite3 "$db" | awk -v name="$1" -v rows="$ROWS" '/^Run Time/ { t += $4 }
      END { printf "%-18s %6.2f s  %8.0f rows/s\n", name ":", t, rows / t }'
  # (the sum over BEGIN, the INSERT and COMMIT, which writes the WAL)
}

echo "sqlite-ceiling: $ROWS findings, $(sqlite3 --version | cut -d' ' -f1) shell"
run sorted "ORDER BY org_id, source_id, kind, asset" details
run unsorted "" details
run sorted-no-details "ORDER BY org_id, source_id, kind, asset" "'{}'"
