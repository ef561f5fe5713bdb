#!/usr/bin/env python3
"""End-to-end tests of scripts/nightly (Python unittest, stdlib only).

    test_nightly.py DOJO_VP FIRMWARE_DIR [unittest options]

Runs the runner on tests/nightly/e2e.yaml against a built dojo-vp: passes, firmware that fails
on purpose as expected, and one failing firmware, one hang, one crash (DOJO_VP_FAULT=crash), one
run out of memory and one vector lockstep mismatch (DOJO_VP_FAULT=vector:50). Checks junit.xml, report.html, the exit status, --resume, --shard with the
merge, --compare, and that an interrupted run leaves only whole files behind.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ElementTree
import importlib.machinery
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
NIGHTLY = REPO / "scripts" / "nightly"
E2E_LIST = REPO / "tests" / "nightly" / "e2e.yaml"
# What e2e.yaml must give: test id -> (outcome, failure type).
EXPECTED = {
    "hello.mini.model": ("pass", None), "hello.mini.lockstep": ("pass", None),
    "exit_code": ("pass", None), "no_trap_handler": ("pass", None),
    "answer.seed1": ("pass", None), "answer.seed2": ("pass", None),
    "failing": ("fail", "exit-status"), "hang.d1": ("fail", "timeout"),
    "crash": ("fail", "signal"), "memory.tile": ("fail", "memory"),
    "mismatch.core.lockstep": ("fail", "mismatch"),
}
# The crash as reported: a signal, or under AddressSanitizer (a sanitized build, docs/testing.md)
# the sanitizer's report of it, which the runner names first.
CRASH = {"type": "signal", "reason": "SIGSEGV"}
SANITIZED_CRASH = {"type": "sanitizer", "reason": "AddressSanitizer: SEGV"}
FAILED = {test_id for test_id, (outcome, _) in EXPECTED.items() if outcome == "fail"}
SLEEP_SECONDS = "1234"  # the interrupted run's long tests: an unusual number, to find them


def simulator_arguments():
    return ["--dojo-vp", DOJO_VP, "--firmware-dir", FIRMWARE_DIR]


def nightly(*arguments, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(NIGHTLY), *arguments], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120, **options)


def junit_cases(folder: Path) -> dict:
    """testcase name -> (outcome, failure type, failure message) from folder/junit.xml."""
    cases = {}
    for case in ElementTree.parse(folder / "junit.xml").getroot().iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        if failure is not None:
            cases[case.get("name")] = ("fail", failure.get("type"), failure.get("message"))
        elif error is not None:
            assert error.get("type") == "not-run", error.get("type")
            cases[case.get("name")] = ("not run", None, error.get("message"))
        else:
            cases[case.get("name")] = ("pass", None, None)
    return cases


JUNIT_SCHEMA = REPO / "tests" / "nightly" / "junit.xsd"


def junit_schema_errors(path: Path) -> list:
    """Where path's JUnit breaks the schema strict CI consumers use (tests/nightly/junit.xsd),
    as xmllint (libxml2-utils, installed by scripts/setup) reports it."""
    if shutil.which("xmllint") is None:
        raise unittest.SkipTest("JUnit validation needs xmllint (libxml2-utils; scripts/setup)")
    check = subprocess.run(["xmllint", "--noout", "--schema", str(JUNIT_SCHEMA), str(path)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return [] if check.returncode == 0 else check.stdout.splitlines()


def sleeping_children() -> int:
    """How many `sleep SLEEP_SECONDS` processes exist."""
    count = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            count += cmdline.read_bytes() == f"sleep\0{SLEEP_SECONDS}\0".encode()
        except OSError:
            pass
    return count


def wait_until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class NightlyRunTest(unittest.TestCase):
    """One run of the whole small list, shared by the checks below."""

    @classmethod
    def setUpClass(cls):
        cls.scratch = Path(tempfile.mkdtemp(prefix="dojo-nightly-test-"))
        cls.out = cls.scratch / "full"
        cls.first = nightly("--list", str(E2E_LIST), "--jobs", "2", "--out", str(cls.out),
                          *simulator_arguments())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def test_exit_status_is_nonzero_and_every_failure_prints_its_command(self):
        self.assertEqual(self.first.returncode, 1, self.first.stdout)
        for test_id in FAILED:
            folder = self.out / "tests" / test_id
            self.assertIn(f"FAIL {test_id}", self.first.stdout)
            self.assertIn(f"reproduce: cd {folder} && ", self.first.stdout)

    def test_junit_has_one_case_per_test_and_names_each_reason(self):
        self.assertEqual(junit_schema_errors(self.out / "junit.xml"), [])
        root = ElementTree.parse(self.out / "junit.xml").getroot()
        self.assertEqual(root.get("tests"), str(len(EXPECTED)))
        self.assertEqual(root.get("failures"), str(len(FAILED)))
        cases = junit_cases(self.out)
        self.assertEqual({name: case[:2] for name, case in cases.items()}, EXPECTED)
        self.assertIn("exit status 5, expected 0", cases["failing"][2])
        self.assertIn("timeout", cases["hang.d1"][2])
        self.assertIn("state dumped", cases["hang.d1"][2])
        self.assertIn(CRASH["reason"], cases["crash"][2])
        self.assertIn("memory limit exceeded", cases["memory.tile"][2])
        self.assertIn("vector lockstep mismatch", cases["mismatch.core.lockstep"][2])
        for test_id in FAILED:
            self.assertIn(f"reproduce: cd {self.out / 'tests' / test_id} && ", cases[test_id][2])
            self.assertIn(DOJO_VP, cases[test_id][2])

    def test_results_keep_logs_statistics_figures_and_traces(self):
        hello = json.loads((self.out / "tests" / "hello.mini.model" / "result.json").read_text())
        self.assertGreater(hello["statistics"]["instructions"], 0)
        self.assertIn("mips", hello["statistics"])
        # Read from the run's statistics file, the same fields as its JSON.
        stats_file = json.loads((self.out / "tests" / "hello.mini.model" /
                                 "statistics.json").read_text())
        self.assertEqual(hello["statistics"]["instructions"], stats_file["instructions"])
        self.assertEqual(hello["statistics"]["simulated_time_s"],
                         stats_file["simulated_time_ps"] / 1e12)
        self.assertIn("Hello from the Dojo D1", (self.out / "tests" / "hello.mini.model" /
                                                 "stdout.txt").read_text())
        self.assertTrue((self.out / "tests" / "hello.mini.model" / "statistics.json").is_file())
        # What its outcome depends on, by content: the simulator, the ELF, the shipped config.
        self.assertEqual(set(hello["inputs"]), {
            DOJO_VP, str(Path(FIRMWARE_DIR) / "hello.elf"),
            str(Path(DOJO_VP).parent / "configs" / "mini.yaml")})
        answer = json.loads((self.out / "tests" / "answer.seed2" / "result.json").read_text())
        self.assertEqual(answer["figures"], {"answer": 42})
        self.assertIn("seed 2:", (self.out / "tests" / "answer.seed2" / "stdout.txt").read_text())
        # The hang's state, asked for before it was killed (SIGUSR1), from every core.
        hang = json.loads((self.out / "tests" / "hang.d1" / "result.json").read_text())
        self.assertRegex(hang["state_dump"], r"^dojo-vp: state dump at .*, 354 cores\n")
        self.assertTrue(hang["state_dump"].endswith("\ndojo-vp: end of state dump"))
        # Only the failure is rerun with traces.
        self.assertTrue((self.out / "tests" / "failing" / "timeline.json").is_file())
        self.assertFalse((self.out / "tests" / "hello.mini.model" / "timeline.json").exists())

    def test_report_is_self_contained_and_names_and_links_each_test(self):
        report = (self.out / "report.html").read_text()
        self.assertNotIn("<script", report)
        self.assertNotIn("<link", report)
        self.assertIsNone(re.search(r'(src|href)="(https?:|/)', report))
        for test_id in EXPECTED:
            self.assertIn(f'id="{test_id}"', report)
        links = re.findall(r'href="(tests/[^"]+)"', report)
        self.assertGreaterEqual(len(links), 2 * len(EXPECTED))
        for link in links:
            self.assertTrue((self.out / link).exists(), link)
        self.assertIn(CRASH["reason"], report)

    def test_resume_reruns_only_the_failed_tests(self):
        resumed = self.scratch / "resumed"
        shutil.copytree(self.out, resumed)
        before = {test_id: (resumed / "tests" / test_id / "result.json").read_bytes()
                  for test_id in EXPECTED}
        # An earlier run to compare with: here `failing` passed and `exit_code` failed.
        earlier = self.scratch / "earlier"
        earlier.mkdir()
        summary = json.loads((self.out / "results.json").read_text())
        for result in summary["tests"]:
            if result["id"] in ("failing", "exit_code"):
                result["outcome"] = "pass" if result["id"] == "failing" else "fail"
        (earlier / "results.json").write_text(json.dumps(summary))

        run = nightly("--list", str(E2E_LIST), "--jobs", "2", "--out", str(resumed), "--resume",
                      "--compare", str(earlier), *simulator_arguments())
        self.assertEqual(run.returncode, 1, run.stdout)
        kept = set(re.findall(r"PASS \(kept\) (\S+)", run.stdout))
        rerun = set(re.findall(r"\] FAIL (\S+)", run.stdout))
        self.assertEqual(kept, set(EXPECTED) - FAILED)
        self.assertEqual(rerun, FAILED)
        for test_id in EXPECTED:
            after = (resumed / "tests" / test_id / "result.json").read_bytes()
            self.assertEqual(after == before[test_id], test_id not in FAILED, test_id)

        report = (resumed / "report.html").read_text()
        changes = report[report.index("Changes since"):report.index("All tests")]
        self.assertRegex(changes, r'Newly failing \(1\):</p><ul><li><a href="#failing">')
        self.assertRegex(changes, r'Newly passing \(1\):</p><ul><li><a href="#exit_code">')

    @classmethod
    def shards(cls) -> list:
        """The list run in two shards (once, for the tests that merge them)."""
        if not hasattr(cls, "shard_folders"):
            cls.shard_folders = []
            for index in (1, 2):
                folder = cls.scratch / f"shard-{index}"
                run = nightly("--list", str(E2E_LIST), "--jobs", "2", "--out", str(folder),
                              "--shard", f"{index}/2", *simulator_arguments())
                assert run.returncode in (0, 1), run.stdout
                cls.shard_folders.append(folder)
        return cls.shard_folders

    def test_two_shards_merged_give_the_unsharded_results(self):
        shards = [set(junit_cases(folder)) for folder in self.shards()]
        self.assertFalse(shards[0] & shards[1])
        self.assertTrue(shards[0] and shards[1])

        merged = self.scratch / "merged"
        run = nightly("--merge", *map(str, self.shards()), "--out", str(merged))
        self.assertEqual(run.returncode, 1, run.stdout)
        self.assertEqual({name: case[:2] for name, case in junit_cases(merged).items()},
                         {name: case[:2] for name, case in junit_cases(self.out).items()})
        # The merged folder holds every test's logs, and the commands point into it.
        for test_id in EXPECTED:
            self.assertTrue((merged / "tests" / test_id / "result.json").is_file(), test_id)
        self.assertIn(f"reproduce: cd {merged / 'tests' / 'crash'} && ", run.stdout)
        self.assertIn('id="memory.tile"', (merged / "report.html").read_text())
        # In the list's order, as the unsharded run.
        order = [result["id"] for result in json.loads((merged / "results.json").read_text())[
            "tests"]]
        self.assertEqual(order, list(EXPECTED))

    def test_a_merge_of_one_shard_of_two_reports_the_other_shards_tests_as_not_run(self):
        first, second = self.shards()
        merged = self.scratch / "merged-half"
        run = nightly("--merge", str(first), "--out", str(merged))
        self.assertEqual(run.returncode, 1, run.stdout)
        cases = junit_cases(merged)
        self.assertEqual(set(cases), set(EXPECTED))
        not_run = {name for name, case in cases.items() if case[0] == "not run"}
        self.assertEqual(not_run, set(junit_cases(second)))
        self.assertIn("shard(s) 2/2 missing from the merge", run.stdout)
        self.assertIn(f"NOT RUN {sorted(not_run)[0]}: not run: no shard has a result",
                      run.stdout)
        root = ElementTree.parse(merged / "junit.xml").getroot()
        self.assertEqual(root.get("errors"), str(len(not_run)))
        self.assertEqual(junit_schema_errors(merged / "junit.xml"), [])


class NightlyKilledShardTest(unittest.TestCase):
    def test_a_shard_killed_outright_keeps_its_finished_tests_and_the_rest_are_not_run(self):
        with tempfile.TemporaryDirectory(prefix="dojo-nightly-test-") as scratch:
            scratch = Path(scratch)
            listing = scratch / "killed.json"
            quick = scratch / "quick"  # while it exists, the slow tests are quick
            listing.write_text(json.dumps({"tests": [
                {"name": "quick", "command": ["true"], "seed": [1, 2, 3, 4]},
                {"name": "slow", "seed": [1, 2], "command": [
                    "sh", "-c", f"[ -e {quick} ] || exec sleep {SLEEP_SECONDS}"]},
            ]}))
            shard = [scratch / "shard-1", scratch / "shard-2"]
            quick.touch()
            complete = nightly("--list", str(listing), "--jobs", "2", "--shard", "1/2",
                               "--out", str(shard[0]))
            self.assertEqual(complete.returncode, 0, complete.stdout)
            quick.unlink()
            runner = subprocess.Popen(
                [sys.executable, str(NIGHTLY), "--list", str(listing), "--jobs", "2",
                 "--shard", "2/2", "--out", str(shard[1])], stdout=subprocess.DEVNULL)
            try:
                self.assertTrue(wait_until(lambda: sleeping_children() == 1), "no slow test")
                self.assertTrue(wait_until(lambda: len(list((shard[1] / "tests").glob("*")))
                                           == 2), "the quick tests did not finish")
                runner.kill()  # as the out-of-memory killer or a lost node would
                runner.wait()
            finally:
                runner.kill()
            self.assertFalse((shard[1] / "results.json").exists())
            self.assertTrue(wait_until(lambda: sleeping_children() == 0, 5))

            merged = scratch / "merged"
            run = nightly("--merge", *map(str, shard), "--list", str(listing),
                          "--out", str(merged))
            self.assertEqual(run.returncode, 1, run.stdout)
            self.assertIn("shard-2: no results.json", run.stdout)
            cases = junit_cases(merged)
            self.assertEqual({name: case[0] for name, case in cases.items()}, {
                "quick.seed1": "pass", "quick.seed2": "pass", "quick.seed3": "pass",
                "quick.seed4": "pass", "slow.seed1": "pass", "slow.seed2": "not run"})
            self.assertIn("NOT RUN slow.seed2", run.stdout)
            self.assertIn("<b>1</b> not run", (merged / "report.html").read_text())
            # Without --list, the list the shards recorded serves as well.
            again = nightly("--merge", *map(str, shard), "--out", str(scratch / "again"))
            self.assertEqual(again.returncode, 1, again.stdout)
            self.assertEqual(junit_cases(scratch / "again"), cases)


class NightlyInterruptTest(unittest.TestCase):
    def test_an_interrupted_run_leaves_only_whole_results(self):
        with tempfile.TemporaryDirectory(prefix="dojo-nightly-test-") as scratch:
            scratch = Path(scratch)
            listing = scratch / "interrupt.json"  # JSON is YAML as well
            listing.write_text(json.dumps({"tests": [
                {"name": "quick", "command": ["true"], "seed": [1, 2]},
                {"name": "slow", "command": ["sleep", SLEEP_SECONDS], "seed": [1, 2, 3]},
            ]}))
            out = scratch / "out"
            runner = subprocess.Popen(
                [sys.executable, str(NIGHTLY), "--list", str(listing), "--jobs", "2",
                 "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            try:
                self.assertTrue(wait_until(lambda: sleeping_children() == 2), "no slow tests")
                runner.send_signal(signal.SIGTERM)
                output, _ = runner.communicate(timeout=30)
            finally:
                runner.kill()
            self.assertEqual(runner.returncode, 128 + signal.SIGTERM, output)
            self.assertTrue(wait_until(lambda: sleeping_children() == 0, 5),
                            "the running tests outlived the runner")
            self.assertEqual(sorted(path.name for path in out.iterdir()),
                             ["junit.xml", "report.html", "results.json", "summary.md", "tests"])
            self.assertEqual(sorted(path.name for path in (out / "tests").iterdir()),
                             ["quick.seed1", "quick.seed2"])
            for folder in (out / "tests").iterdir():
                self.assertTrue((folder / "result.json").is_file())
            cases = junit_cases(out)
            self.assertEqual(sorted(name for name, case in cases.items() if case[0] == "pass"),
                             ["quick.seed1", "quick.seed2"])
            self.assertEqual(sum(case[0] == "not run" for case in cases.values()), 3)
            self.assertEqual(junit_schema_errors(out / "junit.xml"), [])

            resumed = subprocess.run(
                [sys.executable, str(NIGHTLY), "--list", str(listing), "--out", str(out),
                 "--resume", "--filter", "quick"], stdout=subprocess.PIPE, text=True)
            self.assertEqual(resumed.returncode, 0, resumed.stdout)
            self.assertIn("0 tests to run", resumed.stdout)


class NightlyStateDumpTest(unittest.TestCase):
    def test_a_timed_out_test_is_asked_for_its_state_which_the_reports_show(self):
        with tempfile.TemporaryDirectory(prefix="dojo-nightly-test-") as scratch:
            scratch = Path(scratch)
            fake = str(REPO / "tests" / "nightly" / "fake_hang.py")
            listing = scratch / "hangs.json"
            listing.write_text(json.dumps({"defaults": {"timeout": 1}, "tests": [
                {"name": "dumps", "command": [sys.executable, fake]},
                {"name": "silent", "command": [sys.executable, fake, "silent"]}]}))
            out = scratch / "out"
            run = nightly("--list", str(listing), "--jobs", "2", "--dump-grace", "1",
                          "--out", str(out))
            self.assertEqual(run.returncode, 1, run.stdout)
            dumped = json.loads((out / "tests" / "dumps" / "result.json").read_text())
            self.assertEqual(dumped["failure_type"], "timeout")
            self.assertIn("state dumped", dumped["reason"])
            self.assertTrue(dumped["state_dump"].startswith("dojo-vp: state dump at 42 ps"))
            self.assertTrue(dumped["state_dump"].endswith("dojo-vp: end of state dump"))
            silent = json.loads((out / "tests" / "silent" / "result.json").read_text())
            self.assertEqual(silent["failure_type"], "timeout")
            self.assertIsNone(silent["state_dump"])
            self.assertIn("no state dump within 1 s, process group killed", silent["reason"])
            failure = ElementTree.parse(out / "junit.xml").getroot().find(
                ".//testcase[@name='dumps']/failure")
            self.assertIn("state dump at the timeout:\ndojo-vp: state dump", failure.text)
            self.assertEqual(junit_schema_errors(out / "junit.xml"), [])
            report = (out / "report.html").read_text()
            self.assertIn("State dump at the timeout", report)
            self.assertIn("core 0: running, machine mode, pc 0x80000008", report)


class NightlyResumeAfterRebuildTest(unittest.TestCase):
    def test_resume_reruns_the_tests_whose_elf_config_or_executable_changed(self):
        with tempfile.TemporaryDirectory(prefix="dojo-nightly-test-") as scratch:
            scratch = Path(scratch)
            elf, config, script = scratch / "program.elf", scratch / "board.yaml", scratch / "s"
            shutil.copy(Path(FIRMWARE_DIR) / "hello.elf", elf)
            shutil.copy(REPO / "platform" / "configs" / "mini.yaml", config)
            script.write_text("#!/bin/sh\necho one\n")
            script.chmod(0o755)
            listing = scratch / "rebuilt.json"
            listing.write_text(json.dumps({"tests": [
                {"name": "elf", "firmware": str(elf)},
                {"name": "config", "firmware": "hello", "config": str(config)},
                {"name": "script", "command": [str(script)]},
                {"name": "same", "firmware": "hello"}]}))
            out = scratch / "out"
            arguments = ["--list", str(listing), "--out", str(out), "--resume",
                         *simulator_arguments()]
            self.assertEqual(nightly(*arguments).returncode, 0)
            # A rebuild: the same names, other contents (the ELF now exits 3).
            shutil.copy(Path(FIRMWARE_DIR) / "exit_code.elf", elf)
            config.write_text(config.read_text() + "\n# edited\n")
            script.write_text("#!/bin/sh\necho two\n")
            run = nightly(*arguments)
            self.assertEqual(run.returncode, 1, run.stdout)
            self.assertEqual(set(re.findall(r"PASS \(kept\) (\S+)", run.stdout)), {"same"})
            self.assertIn("FAIL elf", run.stdout)
            cases = junit_cases(out)
            self.assertEqual([case[0] for name, case in cases.items()
                              if name.startswith("config.")], ["pass"])
            self.assertIn("two", (out / "tests" / "script" / "stdout.txt").read_text())
            result = json.loads((out / "tests" / "elf" / "result.json").read_text())
            self.assertIn(str(elf), result["inputs"])


class NightlyBalancedShardsTest(unittest.TestCase):
    def shards(self, listing: Path, *options) -> list:
        """The ids in each of 2 shards, as --show prints them (each shard computed alone)."""
        parts = []
        for index in (1, 2):
            run = nightly("--list", str(listing), "--shard", f"{index}/2", "--show", *options)
            self.assertEqual(run.returncode, 0, run.stdout)
            parts.append([line for line in run.stdout.splitlines()[:-1]
                          if not line.startswith(" ")])
        return parts

    def test_shards_split_by_the_last_durations_longest_first_else_round_robin(self):
        with tempfile.TemporaryDirectory(prefix="dojo-nightly-test-") as scratch:
            scratch = Path(scratch)
            listing = scratch / "list.json"
            listing.write_text(json.dumps({"tests": [
                {"name": "t", "command": ["true"], "seed": [1, 2, 3, 4, 5, 6, 7]}]}))
            self.assertEqual(self.shards(listing), [
                ["t.seed1", "t.seed3", "t.seed5", "t.seed7"], ["t.seed2", "t.seed4", "t.seed6"]])
            # The last run's durations; seed7 is new (it counts as the median, 1 s).
            last = scratch / "last"
            last.mkdir()
            durations = {"t.seed1": 10, "t.seed2": 1, "t.seed3": 1, "t.seed4": 1,
                         "t.seed5": 1, "t.seed6": 6}
            (last / "results.json").write_text(json.dumps({
                "format": "dojo-vp nightly results 1", "tests": [
                    {"id": test_id, "outcome": "pass", "duration_s": seconds}
                    for test_id, seconds in durations.items()]}))
            # 10 | 6, then the 1 s tests go to the second until it reaches 10, the last to the
            # first (a tie goes to the lower shard); each shard keeps the list's order.
            expected = [["t.seed1", "t.seed7"],
                        ["t.seed2", "t.seed3", "t.seed4", "t.seed5", "t.seed6"]]
            self.assertEqual(self.shards(listing, "--durations", str(last)), expected)
            self.assertEqual(self.shards(listing, "--durations", str(last / "results.json")),
                             expected)
            missing = nightly("--list", str(listing), "--shard", "1/2", "--show",
                              "--durations", str(scratch / "none"))
            self.assertEqual(missing.returncode, 2, missing.stdout)
            self.assertIn(f"--durations {scratch / 'none'}: no such file", missing.stdout)


class NightlyUserFeaturesTest(unittest.TestCase):
    """Flaky retries, the time budget, pruning, the Markdown summary, totals and trends."""

    def test_flaky_budget_pruning_summary_totals_and_history(self):
        with tempfile.TemporaryDirectory(prefix="dojo-nightly-test-") as scratch:
            scratch = Path(scratch)
            listing = scratch / "features.json"
            listing.write_text(json.dumps({"tests": [
                # Fails on its first attempt only (the retry runs in the same folder).
                {"name": "wobbly", "flaky": 2, "command": [
                    "sh", "-c", "[ -e tried ] || {{ touch tried; echo first >&2; exit 1; }}"]},
                {"name": "broken", "flaky": 1, "command": ["false"]},
                {"name": "big", "command": [
                    "sh", "-c", "head -c 2000000 /dev/zero > big.bin && echo small > small.txt"]},
                {"name": "long", "command": ["sleep", "1.5"]},
                {"name": "late", "command": ["true"], "seed": [1, 2]}]}))
            first = scratch / "first"
            run = nightly("--list", str(listing), "--jobs", "1", "--out", str(first),
                          "--prune-over", "1M", "--filter", "^(wobbly|broken|big)$")
            self.assertEqual(run.returncode, 1, run.stdout)
            wobbly = json.loads((first / "tests" / "wobbly" / "result.json").read_text())
            self.assertEqual(wobbly["outcome"], "flaky")
            self.assertIn("flaky: passed on attempt 2 of 3; attempt 1: exit status 1", wobbly["reason"])
            self.assertTrue((first / "tests" / "wobbly" / "attempt-1-stderr.txt").is_file())
            broken = json.loads((first / "tests" / "broken" / "result.json").read_text())
            self.assertEqual((broken["outcome"], len(broken["attempts"])), ("fail", 1))
            big = json.loads((first / "tests" / "big" / "result.json").read_text())
            self.assertEqual(big["pruned"], [{"file": "big.bin", "bytes": 2000000}])
            self.assertFalse((first / "tests" / "big" / "big.bin").exists())
            self.assertTrue((first / "tests" / "big" / "small.txt").exists())
            root = ElementTree.parse(first / "junit.xml").getroot()
            flaky_case = root.find(".//testcase[@name='wobbly']")
            self.assertIsNone(flaky_case.find("failure"))
            self.assertEqual(flaky_case.find("flakyFailure").get("type"), "exit-status")
            self.assertEqual(junit_schema_errors(first / "junit.xml"), [])
            self.assertIn("FLAKY wobbly", run.stdout)
            self.assertIn("FLAKY", (first / "report.html").read_text())

            # A second night, with a budget that runs out during `long`, and the first as history.
            second = scratch / "second"
            run = nightly("--list", str(listing), "--jobs", "1", "--out", str(second),
                          "--budget", "1", "--history", str(first), "--filter", "^(wobbly|long|late)")
            self.assertEqual(run.returncode, 1, run.stdout)
            summary = json.loads((second / "results.json").read_text())
            self.assertEqual(summary["totals"], {
                "tests": 4, "passed": 1, "flaky": 1, "failed": 0, "not_run": 2,
                "test_time_s": summary["totals"]["test_time_s"], "green": False})
            self.assertEqual([r["outcome"] for r in summary["tests"]],
                             ["flaky", "pass", "not run", "not run"])
            self.assertIn("the time budget (1) ran out before it started",
                          summary["tests"][3]["reason"])
            markdown = (second / "summary.md").read_text()
            self.assertTrue(markdown.startswith("**dojo-vp nightly: RED**"), markdown)
            self.assertIn("Not run (2):\n- `late.seed1`: not run: the time budget", markdown)
            report = (second / "report.html").read_text()
            self.assertIn('<svg class="totals"', report)
            # The trends, oldest night first: flaky twice; not in the first night, then passed.
            for test_id, colours in (("wobbly", ["#ffb300", "#ffb300"]),
                                     ("long", ["#ffffff", "#4caf50"])):
                row = report[report.index(f'id="{test_id}"'):]
                trend = row[row.index('<svg class="trend"'):row.index("</svg>")]
                self.assertEqual(re.findall(r'fill="(#[0-9a-f]+)"', trend), colours, test_id)


class NightlyListErrorTest(unittest.TestCase):
    def test_a_bad_list_is_named_with_its_entry_and_key(self):
        with tempfile.TemporaryDirectory(prefix="dojo-nightly-test-") as scratch:
            listing = Path(scratch) / "bad.json"
            listing.write_text(json.dumps({"tests": [{"firmware": "hello"},
                                                     {"firmware": "hello", "confg": "d1"}]}))
            run = nightly("--list", str(listing), "--out", str(Path(scratch) / "out"),
                          *simulator_arguments())
            self.assertEqual(run.returncode, 2, run.stdout)
            self.assertIn(f"{listing}: tests entry 2: unknown key(s) confg", run.stdout)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(f"usage: {sys.argv[0]} DOJO_VP FIRMWARE_DIR [unittest options]")
    DOJO_VP, FIRMWARE_DIR = (str(Path(path).resolve()) for path in sys.argv[1:3])
    loader = importlib.machinery.SourceFileLoader("nightly", str(NIGHTLY))
    runner = importlib.util.module_from_spec(importlib.util.spec_from_loader("nightly", loader))
    loader.exec_module(runner)
    if runner.address_sanitized(DOJO_VP):
        CRASH = SANITIZED_CRASH
        EXPECTED["crash"] = ("fail", CRASH["type"])
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:])
