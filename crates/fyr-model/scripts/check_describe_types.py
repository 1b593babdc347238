#!/usr/bin/env python3
"""Compare fyr-model's describeTypes with PyMISP's pymisp/data/describeTypes.json.

Checks what PyMISP's live test checks (sane_defaults equal; sorted types;
sorted categories; per category the sorted type list) and, in addition, that
the order of types, categories and category lists is MISP's.

Usage:
    check_describe_types.py [PATH_TO_PYMISP_describeTypes.json]

Without an argument the file is taken from $FYR_PYMISP_DESCRIBE_TYPES, else
from an installed `pymisp` package. If none is found the script fails: it
never passes without comparing. fyr's side comes from
`cargo run -p fyr-model --example describe_types` (or from $FYR_DESCRIBE_TYPES_JSON,
a file holding that output).
"""

import json
import os
import subprocess
import sys
from pathlib import Path


def reference_path() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    env = os.environ.get("FYR_PYMISP_DESCRIBE_TYPES")
    if env:
        return Path(env)
    try:
        import pymisp  # noqa: PLC0415
    except ImportError:
        sys.exit(
            "error: no PyMISP describeTypes.json to compare with: pass its path, set "
            "FYR_PYMISP_DESCRIBE_TYPES, or install pymisp"
        )
    return Path(pymisp.__file__).parent / "data" / "describeTypes.json"


def fyr_describe_types() -> dict:
    given = os.environ.get("FYR_DESCRIBE_TYPES_JSON")
    if given:
        return json.loads(Path(given).read_text())
    out = subprocess.run(
        ["cargo", "run", "--quiet", "-p", "fyr-model", "--example", "describe_types"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> int:
    path = reference_path()
    if not path.is_file():
        sys.exit(f"error: {path} does not exist")
    reference = json.loads(path.read_text())["result"]
    ours = fyr_describe_types()
    problems = []

    if ours["sane_defaults"] != reference["sane_defaults"]:
        for t in sorted(set(ours["sane_defaults"]) | set(reference["sane_defaults"])):
            a, b = ours["sane_defaults"].get(t), reference["sane_defaults"].get(t)
            if a != b:
                problems.append(f"sane_defaults[{t!r}]: fyr {a} != PyMISP {b}")
    if sorted(ours["types"]) != sorted(reference["types"]):
        problems.append("types differ as sets")
    elif ours["types"] != reference["types"]:
        problems.append("types are in a different order")
    if sorted(ours["categories"]) != sorted(reference["categories"]):
        problems.append("categories differ as sets")
    elif ours["categories"] != reference["categories"]:
        problems.append("categories are in a different order")
    ours_map, ref_map = ours["category_type_mappings"], reference["category_type_mappings"]
    for category in sorted(set(ours_map) | set(ref_map)):
        a, b = ours_map.get(category), ref_map.get(category)
        if a is None or b is None or sorted(a) != sorted(b):
            problems.append(f"category_type_mappings[{category!r}] differs")
        elif a != b:
            problems.append(f"category_type_mappings[{category!r}] is in a different order")

    if problems:
        print(f"describeTypes differs from {path}:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    print(
        f"describeTypes equals {path}: {len(ours['types'])} types, "
        f"{len(ours['categories'])} categories"
    )
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
