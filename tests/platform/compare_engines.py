#!/usr/bin/env python3
"""Runs firmware on both core engines and several host thread counts and checks that they agree.

    compare_engines.py --dojo-vp BIN --firmware-dir DIR [--configs core,mini,d1]
                       [--firmware a,b,...] [--exclude a,b,...]
                       [--engines interpreter,translator] [--threads 0,...]
                       [--outputs timeline,commits,waveform] [--max-instructions N]
                       [--set KEY=VALUE ...] [--jobs N]

For every firmware image (every *.elf in DIR unless --firmware names some; less those --exclude
names) on every configuration, `dojo-vp run` runs once per engine (core.engine) and thread count
(--threads; 0, the default, is one per host core). Their stdout, stderr, exit status and
--stats-file JSON must be identical, except what measures the host rather than the simulation:
wall_time_s, mips and the translator's own work (translation and code.table_bytes); so must the
files --outputs asks for: the timeline (--timeline), the commit log (--log-commits, core 0,0's
first 100,000 instructions) and the vector unit RTL's waveform (--trace-rtl, for runs whose cores
run the RTL). The watchdog (--max-instructions) bounds every run in simulated instructions, so
each run is deterministic and ends. Exits 1 on any difference (each one named), or if the
translator ran and compiled nothing at all (the comparison would then prove nothing).
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HOST_MEASURES = ("wall_time_s", "mips", "translation", "parallel")
# The translator's own tables in the decoded-code memory (the decoded pages must be the same).
TRANSLATOR_TABLES = ("code", "table_bytes")
# Only a simulator that hangs meets this: the watchdog ends every run in simulated time.
HANG_SECONDS = 900
# --outputs: the option that writes each, the file's extension and further options. The commit
# log covers one core's first instructions, so that the others (and the rest) run as without it.
OUTPUTS = {"timeline": ("--timeline", "json", []),
           "commits": ("--log-commits", "log", ["--log-commits-cores", "0,0",
                                          "--log-commits-window", "1:100000"]),
           "waveform": ("--trace-rtl", "vcd", [])}


def without_host_date(data):
    """A waveform without its $date section (when it was written, on the host)."""
    return re.sub(rb"\$date.*?\$end", b"$date $end", data, count=1, flags=re.S)


def run(dojo_vp, elf, config, variant, outputs, max_instructions, settings, workdir):
    engine, threads = variant
    name = f"{elf.stem}.{config}.{engine}.threads{threads}"
    stats_file = Path(workdir) / f"{name}.stats.json"
    command = [dojo_vp, "run", "-q", "--config", config, "--set", f"core.engine={engine}",
               "--threads", str(threads), "--max-instructions", str(max_instructions),
               "--stats-file", str(stats_file)]
    files = {output: Path(workdir) / f"{name}.{output}.{OUTPUTS[output][1]}" for output in outputs}
    for output, path in files.items():
        command += [OUTPUTS[output][0], str(path)] + OUTPUTS[output][2]
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
        said = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        return {"error": f"no statistics from {' '.join(command)} (exit {done.returncode}"
                         f"{': ' + ' / '.join(said) if said else ''}): {error}"}
    # Several cores write one file each (the name with -core<hartid>): all of them count. The
    # files stay on disk (a D1 timeline can be hundreds of MB): a digest each is compared first.
    written = {output: {found.name[len(path.stem):]: (found, digest(found))
                        for found in sorted(Path(workdir).glob(path.stem + "*"))}
               for output, path in files.items()}
    return {"stdout": done.stdout, "stderr": done.stderr, "status": done.returncode,
            "stats": stats, "files": written, "variant": variant}


def contents(path):
    return without_host_date(path.read_bytes())


def digest(path):
    return hashlib.sha256(contents(path)).digest()


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


def compare(first, other):
    """What differs between two runs, as messages."""
    for result in (first, other):
        if "error" in result:
            return [result["error"]]
    differences = []
    if first["status"] != other["status"]:
        differences.append(f"exit status {first['status']} vs {other['status']}")
    for stream in ("stdout", "stderr"):
        if first[stream] != other[stream]:
            differences.append(f"{stream}, {first_line_difference(first[stream], other[stream])}")
    simulated = [{k: v for k, v in r["stats"].items() if k not in HOST_MEASURES}
                 for r in (first, other)]
    section, field = TRANSLATOR_TABLES
    for stats in simulated:
        stats.get(section, {}).pop(field, None)
    found = first_difference(*simulated)
    if found:
        differences.append(f"statistics, {found}")
    for output, files in first["files"].items():
        if not files:
            differences.append(f"no {output} file written")
        elif files.keys() != other["files"][output].keys():
            differences.append(f"{output} files {sorted(files)} vs {sorted(other['files'][output])}")
        else:
            for suffix, (path, checksum) in files.items():
                their_path, their_checksum = other["files"][output][suffix]
                if checksum == their_checksum:
                    continue
                data, theirs = contents(path), contents(their_path)
                if output == "timeline" and first["variant"][0] != other["variant"][0]:
                    # Between engines the events must be the same, not their order in the file
                    # (a viewer orders them by time); between thread counts, the file itself.
                    data, theirs = (b"\n".join(sorted(d.splitlines())) for d in (data, theirs))
                if data != theirs:
                    differences.append(f"{output}{suffix}, "
                                       f"{first_line_difference(data, theirs)}")
    return differences


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dojo-vp", required=True)
    parser.add_argument("--firmware-dir", required=True, type=Path)
    parser.add_argument("--configs", default="core,mini,d1")
    parser.add_argument("--firmware", help="comma list of image names (default: every *.elf)")
    parser.add_argument("--exclude", default="", help="comma list of image names to leave out")
    parser.add_argument("--engines", default="interpreter,translator")
    parser.add_argument("--threads", default="0", help="comma list of --threads values")
    parser.add_argument("--outputs", default="", help="comma list of " + ", ".join(OUTPUTS))
    parser.add_argument("--max-instructions", type=int, default=2_000_000)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a parameter for every run (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    if args.firmware:
        images = [args.firmware_dir / f"{name}.elf" for name in args.firmware.split(",")]
    else:
        images = sorted(args.firmware_dir.glob("*.elf"))
    excluded = set(args.exclude.split(","))
    images = [image for image in images if image.stem not in excluded]
    missing = [str(image) for image in images if not image.is_file()]
    if not images or missing:
        sys.exit(f"compare_engines: no firmware image {', '.join(missing) or 'in ' + str(args.firmware_dir)}")
    outputs = [output for output in args.outputs.split(",") if output]
    unknown = [output for output in outputs if output not in OUTPUTS]
    if unknown:
        sys.exit(f"compare_engines: --outputs: no output {', '.join(unknown)}")
    configs = args.configs.split(",")
    variants = [(engine, int(threads)) for engine in args.engines.split(",")
                for threads in args.threads.split(",")]

    with tempfile.TemporaryDirectory() as workdir, ThreadPoolExecutor(args.jobs) as pool:
        cases = [(image, config) for config in configs for image in images]
        futures = {(image, config, variant): pool.submit(run, args.dojo_vp, image, config, variant,
                                                         outputs, args.max_instructions, args.set,
                                                         workdir)
                   for image, config in cases for variant in variants}
        failures, traces, flushes = 0, 0, 0
        for image, config in cases:
            results = [futures[(image, config, variant)].result() for variant in variants]
            differences = []
            for variant, result in zip(variants[1:], results[1:]):
                differences += [f"{variant[0]} with {variant[1]} threads: {difference}"
                                for difference in compare(results[0], result)]
            for (engine, _), result in zip(variants, results):
                if engine == "translator" and "stats" in result:
                    translation = result["stats"].get("translation", {})
                    traces += translation.get("traces", 0)
                    flushes += translation.get("flushes", 0)
            for result in results:
                for files in result.get("files", {}).values():
                    for path, _ in files.values():
                        path.unlink()
            if differences:
                failures += 1
                print(f"DIFFER {image.stem} on {config} from {variants[0][0]} with "
                      f"{variants[0][1]} threads: " + "; ".join(differences))
            else:
                status = results[0].get("status")
                print(f"same   {image.stem} on {config} (exit {status})")
    print(f"{len(cases) - failures} of {len(cases)} runs identical in {len(variants)} variants; "
          f"the translator compiled {traces} traces (its code cache full {flushes} times)")
    if traces == 0 and any(engine == "translator" for engine, _ in variants):
        print("the translator compiled nothing: the comparison proves nothing")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
