#!/usr/bin/env python3
"""Runs firmware on both core engines and checks that they agree.

    compare_engines.py --dojo-vp BIN --firmware-dir DIR [--configs core,mini,d1]
                       [--firmware a,b,...] [--max-instructions N] [--set KEY=VALUE ...]
                       [--jobs N]

For every firmware image (every *.elf in DIR unless --firmware names some) on every configuration,
`dojo-vp run` runs once with core.engine=interpreter and once with core.engine=translator. Their
stdout, stderr, exit status and --stats-file JSON must be identical, except what measures the host
rather than the simulation: wall_time_s, mips and the translator's own work (translation and
code.table_bytes). The
watchdog (--max-instructions) bounds every run in simulated instructions, so each run is
deterministic and ends. Exits 1 on any difference (each one named), or if the translator compiled
nothing at all (the comparison would then prove nothing).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ENGINES = ("interpreter", "translator")
HOST_MEASURES = ("wall_time_s", "mips", "translation")
# The translator's own tables in the decoded-code memory (the decoded pages must be the same).
TRANSLATOR_TABLES = ("code", "table_bytes")
# Only a simulator that hangs meets this: the watchdog ends every run in simulated time.
HANG_SECONDS = 900


def run(dojo_vp, elf, config, engine, max_instructions, settings, workdir):
    stats_file = Path(workdir) / f"{elf.stem}.{config}.{engine}.json"
    command = [dojo_vp, "run", "-q", "--config", config, "--set", f"core.engine={engine}",
               "--max-instructions", str(max_instructions), "--stats-file", str(stats_file)]
    for setting in settings:
        command += ["--set", setting]
    command.append(str(elf))
    try:
        done = subprocess.run(command, capture_output=True, timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        return {"error": f"no end after {HANG_SECONDS} s: {' '.join(command)}"}
    try:
        stats = json.loads(stats_file.read_text())
    except (OSError, ValueError) as error:
        return {"error": f"no statistics from {' '.join(command)}: {error}"}
    return {"stdout": done.stdout, "stderr": done.stderr, "status": done.returncode,
            "stats": stats}


def first_difference(a, b, path=""):
    """The path of the first value that differs between two JSON values, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            found = first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else key)
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def first_line_difference(a, b):
    lines_a, lines_b = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
    for number, (x, y) in enumerate(zip(lines_a, lines_b), 1):
        if x != y:
            return f"line {number}: {x[:120]!r} vs {y[:120]!r}"
    return f"{len(lines_a)} vs {len(lines_b)} lines"


def compare(results):
    """What differs between the interpreter's and the translator's run, as messages."""
    interpreted, translated = (results[engine] for engine in ENGINES)
    for result in (interpreted, translated):
        if "error" in result:
            return [result["error"]]
    differences = []
    if interpreted["status"] != translated["status"]:
        differences.append(f"exit status {interpreted['status']} vs {translated['status']}")
    for stream in ("stdout", "stderr"):
        if interpreted[stream] != translated[stream]:
            differences.append(f"{stream}, {first_line_difference(interpreted[stream], translated[stream])}")
    simulated = [{k: v for k, v in r["stats"].items() if k not in HOST_MEASURES}
                 for r in (interpreted, translated)]
    section, field = TRANSLATOR_TABLES
    for stats in simulated:
        stats.get(section, {}).pop(field, None)
    found = first_difference(*simulated)
    if found:
        differences.append(f"statistics, {found}")
    return differences


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dojo-vp", required=True)
    parser.add_argument("--firmware-dir", required=True, type=Path)
    parser.add_argument("--configs", default="core,mini,d1")
    parser.add_argument("--firmware", help="comma list of image names (default: every *.elf)")
    parser.add_argument("--max-instructions", type=int, default=2_000_000)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a parameter for both engines' runs (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    if args.firmware:
        images = [args.firmware_dir / f"{name}.elf" for name in args.firmware.split(",")]
    else:
        images = sorted(args.firmware_dir.glob("*.elf"))
    missing = [str(image) for image in images if not image.is_file()]
    if not images or missing:
        sys.exit(f"compare_engines: no firmware image {', '.join(missing) or 'in ' + str(args.firmware_dir)}")
    configs = args.configs.split(",")

    with tempfile.TemporaryDirectory() as workdir, ThreadPoolExecutor(args.jobs) as pool:
        cases = [(image, config) for config in configs for image in images]
        futures = {(image, config, engine): pool.submit(run, args.dojo_vp, image, config, engine,
                                                        args.max_instructions, args.set, workdir)
                   for image, config in cases for engine in ENGINES}
        failures, traces, flushes = 0, 0, 0
        for image, config in cases:
            results = {engine: futures[(image, config, engine)].result() for engine in ENGINES}
            differences = compare(results)
            if "stats" in results["translator"]:
                translation = results["translator"]["stats"].get("translation", {})
                traces += translation.get("traces", 0)
                flushes += translation.get("flushes", 0)
            if differences:
                failures += 1
                print(f"DIFFER {image.stem} on {config}: " + "; ".join(differences))
            else:
                status = results["interpreter"]["status"]
                print(f"same   {image.stem} on {config} (exit {status})")
    print(f"{len(cases) - failures} of {len(cases)} runs identical on both engines; "
          f"the translator compiled {traces} traces (its code cache full {flushes} times)")
    if traces == 0:
        print("the translator compiled nothing: the comparison proves nothing")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
