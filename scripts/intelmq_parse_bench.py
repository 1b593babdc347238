#!/usr/bin/env python3
"""Times IntelMQ's Shadowserver parser bot over a Shadowserver CSV file.

Used by scripts/bench-exposure.sh to put IntelMQ beside fyr on the same file.
The bot runs in IntelMQ's library mode (no daemon, no Redis, no pipeline
process): its real parse() (base64 decode of the report, csv.DictReader over
the text) and parse_line() (conversion functions, Event creation with
harmonization validation of every field, raw from recover_line) turn each
CSV row into an IntelMQ Event.

Modes:
  direct   (default) the loop of ParserBot.process() without send_message():
           every event is built and validated, counted, then dropped. What a
           deployment adds on top (JSON serialisation, a Redis push per event)
           is left out, so this is IntelMQ's per-row parse cost at its lowest.
  library  Bot.process_message(report), IntelMQ's documented library entry
           point: ParserBot.process() itself, events kept in a Python list
           (no serialisation). Holds every event in memory.

Only the parse is timed (time.perf_counter); interpreter start, imports, the
bot's initialisation and building the report message are not.

  python intelmq_parse_bench.py --file 2026-11-20-scan_http-bench.csv \
      --schema intelmq.json --report-type scan_http [--max-rows 200000] [--mode direct]
"""

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
import traceback


def read_records(path, max_rows):
    """Header plus the first max_rows CSV records (all if max_rows <= 0) as
    text, the number of records taken, and whether the file has more. Records
    may span several physical lines (quoted newlines), so the cut is made with
    the csv module."""
    taken = []

    def lines(fh):
        for line in fh:
            taken.append(line)
            yield line

    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(lines(fh), dialect="unix")
        next(reader)  # header
        rows = 0
        cut = len(taken)
        more = False
        for _ in reader:
            if 0 < max_rows <= rows:
                more = True
                break
            rows += 1
            cut = len(taken)
    return "".join(taken[:cut]), rows, more


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", required=True, help="Shadowserver CSV (named like 2026-11-20-scan_http-….csv)")
    ap.add_argument("--schema", required=True, help="Shadowserver schema in IntelMQ's format (intelmq.json)")
    ap.add_argument("--report-type", default="scan_http", help="Shadowserver report type (the schema's file_name)")
    ap.add_argument("--max-rows", type=int, default=0, help="parse only the first N data rows (0: all)")
    ap.add_argument("--mode", choices=("direct", "library"), default="direct")
    ap.add_argument("--root-dir", help="IntelMQ root directory to create (a temporary one by default)")
    args = ap.parse_args()

    # IntelMQ computes its paths when the package is imported: the root
    # directory must be set first. The parser reads its schema from
    # $INTELMQ_ROOT_DIR/var/lib/bots/shadowserver-schema.json.
    root = args.root_dir or tempfile.mkdtemp(prefix="intelmq-bench-root-")
    os.environ["INTELMQ_ROOT_DIR"] = root
    import intelmq
    from intelmq import VAR_STATE_PATH, __version__
    from intelmq.lib.bot import BotLibSettings
    from intelmq.lib.message import Report
    from intelmq.bots.parsers.shadowserver.parser import ShadowserverParserBot

    os.makedirs(VAR_STATE_PATH, exist_ok=True)
    schema_dst = os.path.join(VAR_STATE_PATH, "shadowserver-schema.json")
    shutil.copyfile(args.schema, schema_dst)
    with open(args.schema) as fh:
        schema = json.load(fh)
    feeds = [v for k, v in schema.items() if k != "_meta" and v.get("file_name") == args.report_type]
    if not feeds:
        sys.exit(f"intelmq: no report type {args.report_type!r} in {args.schema}")
    feed_name = feeds[0]["feed_name"]

    print(f"intelmq {__version__} (python {sys.version.split()[0]}), package {os.path.dirname(intelmq.__file__)}")
    print(f"intelmq: root {root}, schema {schema_dst} "
          f"(schema of {schema.get('_meta', {}).get('date_created', '?')})")

    t = time.perf_counter()
    text, rows, capped = read_records(args.file, args.max_rows)
    read_s = time.perf_counter() - t
    scope = f"the first {rows} rows (capped by --max-rows)" if capped else f"all {rows} rows"
    print(f"intelmq: {scope} of {os.path.basename(args.file)} read ({len(text) / 1048576:.1f} MiB) in {read_s:.1f} s; "
          f"report type {args.report_type} → feed {feed_name!r}; mode {args.mode}")

    # The bot in library mode: in-process list pipelines, no log files, no
    # runtime.yaml (IntelMQ falls back to its packaged harmonization.conf).
    # feedname fixes the feed (the parser otherwise detects it from the
    # report's extra.file_name, which is set as a collector would anyway).
    settings = BotLibSettings | {"feedname": feed_name, "logging_level": "WARNING"}
    bot = ShadowserverParserBot("shadowserver-parser", settings=settings)

    # The report as a file collector makes it (raw is stored base64-encoded).
    report = Report(harmonization=bot.harmonization)
    report.add("feed.name", "Shadowserver")
    report.add("extra.file_name", os.path.basename(args.file))
    report.add("raw", text)
    del text

    events = 0
    failed = []
    first = None
    if args.mode == "direct":
        # ParserBot.process() without the pipeline: parse(), parse_line() per
        # row, generator results filtered for empty ones, failures counted.
        t0 = time.perf_counter()
        t_first = None
        bot.tempdata = []
        for row in bot.parse(report):
            if t_first is None:
                t_first = time.perf_counter()
            if not row:
                continue
            try:
                value = bot.parse_line(row, report)
                if value is None:
                    continue
                out = list(filter(bool, value))
            except Exception:
                failed.append((traceback.format_exc(), bot._current_line))
            else:
                events += len(out)
                if first is None and out:
                    first = out[0]
        elapsed = time.perf_counter() - t0
        decode_s = (t_first or t0) - t0
    else:
        t0 = time.perf_counter()
        state = bot.process_message(report)
        elapsed = time.perf_counter() - t0
        decode_s = None
        out = state.get("output", [])
        events = len(out)
        first = out[0] if out else None
        failed = [(None, m.get("raw")) for m in state.get("error", [])]

    rate = rows / elapsed if elapsed else 0.0
    extra = f", of which {decode_s:.2f} s base64 decode before the first row" if decode_s is not None else ""
    print(f"intelmq: parsed {rows} rows into {events} events in {elapsed:.2f} s{extra}: {rate:.0f} rows/s "
          f"({len(failed)} rows failed)")
    if failed:
        exc, line = failed[0]
        print(f"intelmq: first failure on line {line!r}:\n{exc or ''}")
    if first is not None:
        keys = sorted(first.keys())
        extra_keys = sorted(json.loads(first["extra"]).keys()) if "extra" in first else []
        print(f"intelmq: event keys ({len(keys)}): {', '.join(keys)}")
        print(f"intelmq: extra keys ({len(extra_keys)}): {', '.join(extra_keys)}")
        shown = {k: (v if k != "raw" else v[:60] + "…") for k, v in first.items()}
        print(f"intelmq: first event: {json.dumps(shown, ensure_ascii=False, default=str)}")
    ok = events == rows and not failed
    print(f"intelmq: check: {events} events for {rows} data rows: {'OK' if ok else 'MISMATCH'}")
    print(f"RESULT rows={rows} events={events} failed={len(failed)} seconds={elapsed:.3f} rows_per_s={rate:.0f} "
          f"capped={'yes' if capped else 'no'} version={__version__}")
    if not args.root_dir:
        shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()
    # The bot's stop() (run at exit) tries to write statistics to Redis; it
    # fails quietly without one. Skip it: the measurement is done.
    os._exit(0 if ok else 1)


if __name__ == "__main__":
    main()
