#!/usr/bin/env python3
"""Fuzz harness of the nightly list parser (scripts/nightly's load_list), docs/fuzzing.md.

    fuzz_nightly_list.py [--runs N] [--seconds S] [--seed K] [--artifacts DIR] SEED_LIST...

libFuzzer does not apply to Python and atheris is no Debian package, so this is a seeded mutation
fuzzer on the standard library alone: each input is a seed list mutated either as text (bytes
flipped, inserted, deleted, lines repeated, YAML tokens and list keys spliced in) or as data (a
value of the parsed list replaced by one of another type or shape, then written back as YAML).
A list must either load or raise ListError with a bounded message; any other exception is a
finding: the input is saved in the artifacts folder and the run exits 1. Without coverage
feedback it explores less than libFuzzer, but the same --seed always makes the same inputs.
"""
import argparse
import copy
import importlib.machinery
import importlib.util
import random
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent.parent
MAX_MESSAGE_CHARS = 1024  # a ListError quotes a bounded excerpt of the list, whatever its size


def load_nightly():
    loader = importlib.machinery.SourceFileLoader("nightly", str(REPO / "scripts" / "nightly"))
    spec = importlib.util.spec_from_loader("nightly", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class Mutator:
    def __init__(self, nightly, seeds, rng: random.Random):
        self.rng = rng
        self.texts = seeds
        self.documents = [yaml.safe_load(text) for text in seeds]
        self.tokens = ["\n", " ", ":", ": ", "- ", "[", "]", "{", "}", ",", "'", '"', "#", "&a ",
                       "*a", "!!binary ", "!!python/name:x ", "null", "~", "true", "-1", "1e999",
                       ".inf", "0x10", "{build}", "{firmware_dir}", "{date}{seed}", "{x.y}",
                       "{0}", "{{", "}}", "(", "(?P<", "\\", "\t", "\x00", "\u00e9", "---\n",
                       "? ", "<<: "]
        self.tokens += list(nightly.MATRIX_KEYS) + list(nightly.SETTING_KEYS)
        self.tokens += ["defaults", "tests", "group"]

    def value(self, depth=0):
        """A random YAML-representable value of any type."""
        choice = self.rng.randrange(12 if depth < 3 else 8)
        if choice == 0: return None
        if choice == 1: return self.rng.choice([True, False])
        if choice == 2: return self.rng.choice([0, 1, -1, 255, 256, 2**64, 10**400 // 10**399])
        if choice == 3: return self.rng.choice([0.0, -0.5, 1e300, float("inf"), float("nan")])
        if choice == 4: return self.rng.choice(self.tokens)
        if choice == 5: return "x" * self.rng.choice([0, 1, 100, 5000, 100_000])
        if choice == 6: return "".join(self.rng.choice(self.tokens) for _ in range(4))
        if choice == 7: return self.rng.choice(["30", "5m", "1h", "4G", "512M", "hello", "d1"])
        if choice in (8, 9): return [self.value(depth + 1) for _ in range(self.rng.randrange(4))]
        return {self.rng.choice(self.tokens + [1, None]): self.value(depth + 1)
                for _ in range(self.rng.randrange(4))}

    def mutate_data(self, document):
        """Replaces (or deletes, or adds) one value somewhere in the parsed list."""
        document = copy.deepcopy(document)
        node = document
        while True:
            if isinstance(node, dict) and node:
                key = self.rng.choice(list(node))
                if self.rng.random() < 0.5 and isinstance(node[key], (dict, list)):
                    node = node[key]
                    continue
                action = self.rng.randrange(3)
                if action == 0: node[key] = self.value()
                elif action == 1: del node[key]
                else: node[self.rng.choice(self.tokens)] = self.value()
            elif isinstance(node, list) and node:
                index = self.rng.randrange(len(node))
                if self.rng.random() < 0.5 and isinstance(node[index], (dict, list)):
                    node = node[index]
                    continue
                node[index] = self.value()
            else:
                return self.value()
            return document

    def mutate_text(self, text):
        for _ in range(self.rng.randrange(1, 5)):
            position = self.rng.randrange(len(text) + 1)
            action = self.rng.randrange(5)
            if action == 0:
                text = text[:position] + self.rng.choice(self.tokens) + text[position:]
            elif action == 1:
                text = text[:position] + text[position + self.rng.randrange(1, 20):]
            elif action == 2 and position < len(text):
                text = text[:position] + chr(self.rng.randrange(32, 127)) + text[position + 1:]
            elif action == 3:
                lines = text.split("\n")
                line = self.rng.randrange(len(lines))
                lines.insert(line, lines[self.rng.randrange(len(lines))])
                text = "\n".join(lines)
            else:
                text = text[:position] + self.rng.choice("[{") * self.rng.choice([10, 2000]) + \
                    text[position:]
        return text

    def next_input(self) -> str:
        seed = self.rng.randrange(len(self.texts))
        if self.rng.random() < 0.5:
            document = self.documents[seed]
            for _ in range(self.rng.randrange(1, 4)):
                document = self.mutate_data(document)
            return yaml.safe_dump(document, sort_keys=False)
        return self.mutate_text(self.texts[seed])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000, help="inputs to try")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this (0: no limit)")
    parser.add_argument("--seed", type=int, default=1, help="the random seed")
    parser.add_argument("--artifacts", type=Path, default=Path("."),
                        help="where a failing input is written")
    parser.add_argument("seeds", nargs="+", type=Path, help="regression lists to start from")
    arguments = parser.parse_args()

    warnings.simplefilter("ignore")  # re's FutureWarnings about odd patterns are no findings
    nightly = load_nightly()
    rng = random.Random(arguments.seed)
    mutator = Mutator(nightly, [path.read_text(encoding="utf-8") for path in arguments.seeds], rng)
    context = nightly.Context(dojo_vp=Path("/nonexistent/dojo-vp"), build=Path("/nonexistent"),
                              firmware=Path("/nonexistent/firmware"), date="20261203")
    started = time.monotonic()
    outcomes = {"loaded": 0, "refused": 0}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.yaml"
        runs = 0
        while runs < arguments.runs:
            if arguments.seconds and time.monotonic() - started > arguments.seconds:
                break
            text = mutator.next_input()
            runs += 1
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            try:
                nightly.load_list(path, context)
                outcomes["loaded"] += 1
            except nightly.ListError as error:
                outcomes["refused"] += 1
                if len(str(error)) <= MAX_MESSAGE_CHARS:
                    continue
                problem = f"a ListError of {len(str(error))} characters: {str(error)[:300]}..."
            except Exception:  # anything else is what this harness is looking for
                problem = traceback.format_exc()
            else:
                continue
            arguments.artifacts.mkdir(parents=True, exist_ok=True)
            artifact = arguments.artifacts / f"crash-nightly-list-{arguments.seed}-{runs}.yaml"
            artifact.write_text(text, encoding="utf-8", errors="surrogatepass")
            print(f"input {runs} ({artifact}):\n{problem}", file=sys.stderr)
            return 1
    print(f"Done {runs} runs in {time.monotonic() - started:.0f} second(s): "
          f"{outcomes['loaded']} loaded, {outcomes['refused']} refused with ListError")
    return 0


if __name__ == "__main__":
    sys.exit(main())
