#!/usr/bin/env python3
"""The nightly regression on a real single-node Slurm cluster (Python unittest, stdlib only).

    test_nightly_slurm.py [unittest options]

Starts munged, slurmctld and slurmd (Debian's munge and slurm-wlm, installed by scripts/setup) on
localhost under a scratch folder, with private ports, as root (docs/nightly.md), and stops them
by their PIDs afterwards. Then submits small lists with scripts/nightly-slurm: a full night in 2
shards is green; a night whose second shard is killed outright (scancel -s KILL) fails with that
shard's unfinished test as not run; a shard asking for more than the node has is refused before
anything is submitted. Skipped, saying why, where such a cluster cannot start.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SUBMIT = REPO / "scripts" / "nightly-slurm"
NODE_CPUS, NODE_MEMORY_MB = 2, 1000
SMALL = ["--cpus", "1", "--mem", "100M", "--time", "5", "--merge-mem", "100M",
         "--merge-time", "5"]
SLEEP_SECONDS = "4321"  # the test the killed shard runs: an unusual number, to find it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def read_pid(path: Path):
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def shard_runner(shard: str):
    """The PID of the scripts/nightly process running --shard `shard`."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(word.endswith(b"scripts/nightly") for word in words) and shard.encode() in words:
            return int(cmdline.parent.name)
    return None


class LocalSlurm:
    """munged, slurmctld and slurmd for one node (localhost), all files under `root`."""

    def __init__(self, root: Path):
        self.root = root
        self.conf = root / "slurm.conf"
        self.pid_files = [root / "slurmd.pid", root / "slurmctld.pid", root / "munged.pid"]
        self.environment = dict(os.environ, SLURM_CONF=str(self.conf))

    def start(self):
        """Raises unittest.SkipTest, saying why, when the cluster cannot start here."""
        missing = [tool for tool in ("munged", "mungekey", "slurmctld", "slurmd", "sbatch")
                   if shutil.which(tool) is None]
        if missing:
            raise unittest.SkipTest(f"no {', '.join(missing)}: scripts/setup installs munge "
                                    "and slurm-wlm")
        if os.geteuid() != 0:
            raise unittest.SkipTest("a local Slurm node needs root (slurmd starts jobs as users)")
        root = self.root
        root.chmod(0o755)  # munged wants its socket's folder reachable by all
        for folder in ("state", "spool"):
            (root / folder).mkdir()
        socket_path = root / "munge.socket"
        self.run_daemon(["mungekey", "--create", f"--keyfile={root / 'munge.key'}"])
        self.run_daemon(["munged", "--force", f"--socket={socket_path}",
                         f"--key-file={root / 'munge.key'}", f"--pid-file={root / 'munged.pid'}",
                         f"--log-file={root / 'munged.log'}", f"--seed-file={root / 'munge.seed'}"])
        self.conf.write_text("\n".join([
            "ClusterName=dojonightly", "SlurmctldHost=localhost",
            f"SlurmctldPort={free_port()}", f"SlurmdPort={free_port()}",
            "SlurmUser=root", "SlurmdUser=root", "AuthType=auth/munge", "CredType=cred/munge",
            f"AuthInfo=socket={socket_path}", f"StateSaveLocation={root / 'state'}",
            f"SlurmdSpoolDir={root / 'spool'}", f"SlurmctldPidFile={root / 'slurmctld.pid'}",
            f"SlurmdPidFile={root / 'slurmd.pid'}", f"SlurmctldLogFile={root / 'slurmctld.log'}",
            f"SlurmdLogFile={root / 'slurmd.log'}", "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none", "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core",
            "JobAcctGatherType=jobacct_gather/none", "AccountingStorageType=accounting_storage/none",
            "ReturnToService=2", "MpiDefault=none",
            f"NodeName=localhost NodeAddr=127.0.0.1 CPUs={NODE_CPUS} "
            f"RealMemory={NODE_MEMORY_MB} State=UNKNOWN",
            "PartitionName=night Nodes=localhost Default=YES MaxTime=30:00 State=UP", ""]))
        self.run_daemon(["slurmctld", "-f", str(self.conf)])
        self.run_daemon(["slurmd", "-f", str(self.conf), "-N", "localhost"])
        if not wait_until(lambda: "idle" in self.command("sinfo", "-h", "-o", "%t").stdout, 30):
            raise unittest.SkipTest("the local Slurm node did not become idle: "
                                    + self.log_tail())

    def run_daemon(self, command: list):
        started = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, env=self.environment, timeout=30)
        if started.returncode != 0:
            raise unittest.SkipTest(f"{command[0]} cannot start here: {started.stdout.strip()}")

    def command(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=self.environment, timeout=60)

    def log_tail(self) -> str:
        return "".join(f"\n{path.name}: " + "\n".join(path.read_text().splitlines()[-5:])
                       for path in sorted(self.root.glob("*.log")))

    def stop(self):
        for pid_file in self.pid_files:
            pid = read_pid(pid_file)
            if pid is None:
                continue
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            if not wait_until(lambda: not Path(f"/proc/{pid}").exists(), 10):
                os.kill(pid, signal.SIGKILL)


def junit_outcomes(folder: Path) -> dict:
    outcomes = {}
    for case in ElementTree.parse(folder / "junit.xml").getroot().iter("testcase"):
        outcomes[case.get("name")] = "fail" if case.find("failure") is not None else \
            "not run" if case.find("error") is not None else "pass"
    return outcomes


class NightlySlurmTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = Path(tempfile.mkdtemp(prefix="dojo-nightly-slurm-"))
        cls.slurm = LocalSlurm(cls.scratch / "slurm")
        cls.slurm.root.mkdir()
        try:
            cls.slurm.start()
        except BaseException:
            cls.slurm.stop()
            shutil.rmtree(cls.scratch, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.slurm.command("scancel", "--user=root")
        cls.slurm.stop()
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def write_list(self, name: str, tests: list) -> Path:
        listing = self.scratch / f"{name}.json"
        listing.write_text(json.dumps({"tests": tests}))
        return listing

    def submit(self, *arguments: str, wait: bool = False) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, str(SUBMIT), *arguments]
                                + (["--wait"] if wait else []),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=self.slurm.environment)

    def test_a_full_night_in_two_shards_is_green(self):
        listing = self.write_list("full", [{"name": "quick", "command": ["true"],
                                            "seed": [1, 2, 3]}])
        out = self.scratch / "full-night"
        output, _ = self.submit(*SMALL, str(out), str(listing), "2", wait=True).communicate(
            timeout=90)
        self.assertIn("ended with exit status 0", output)
        self.assertEqual(junit_outcomes(out), {"quick.seed1": "pass", "quick.seed2": "pass",
                                               "quick.seed3": "pass"})
        self.assertEqual(sorted(json.loads((out / "results.json").read_text())["shards"]),
                         ["1/2", "2/2"])

    def test_a_shard_killed_outright_fails_the_night_with_its_tests_not_run(self):
        # Round-robin: shard 2 runs quick.seed2, then the long test, which is killed with it.
        listing = self.write_list("killed", [
            {"name": "quick", "command": ["true"], "seed": [1, 2, 3]},
            {"name": "long", "command": ["sleep", SLEEP_SECONDS]}])
        out = self.scratch / "killed-night"
        submission = self.submit(*SMALL, str(out), str(listing), "2", wait=True)
        try:
            started = wait_until(lambda: (out / "shard-2" / "tests" / "quick.seed2").is_dir()
                                 and (out / "shard-2" / ".work" / "long").is_dir(), 60)
            self.assertTrue(started, "shard 2 did not start its long test" + self.slurm.log_tail())
            # Killed outright, as the out-of-memory killer or a lost node would: the shard's
            # runner gets SIGKILL (scancel -s KILL makes Slurm end the job with SIGTERM first,
            # which the runner survives long enough to write its results).
            runner = shard_runner("2/2")
            self.assertIsNotNone(runner, "no runner of shard 2/2")
            os.kill(runner, signal.SIGKILL)
            output, _ = submission.communicate(timeout=90)
        finally:
            submission.kill()
        self.assertIn("ended with exit status 1", output)
        self.assertEqual(junit_outcomes(out), {"quick.seed1": "pass", "quick.seed2": "pass",
                                               "quick.seed3": "pass", "long": "not run"})
        self.assertIn("shard-2: no results.json", (out / "slurm-merge.out").read_text())

    def test_a_shard_larger_than_the_node_is_refused_and_nothing_submitted(self):
        listing = self.write_list("large", [{"name": "quick", "command": ["true"]}])
        out = self.scratch / "large-night"
        refused = self.submit("--cpus", str(NODE_CPUS + 6), "--mem", "64G", str(out),
                              str(listing), "2")
        output, _ = refused.communicate(timeout=60)
        self.assertEqual(refused.returncode, 2, output)
        self.assertIn(f"a shard asks for {NODE_CPUS + 6} CPUs, the largest node of 'night' has "
                      f"{NODE_CPUS}", output)
        self.assertIn("a shard asks for 64G of memory", output)
        self.assertIn("nothing submitted", output)
        self.assertFalse(out.exists())
        self.assertNotIn("dojo-nightly", self.slurm.command("squeue", "-h", "-o", "%j").stdout)


SKIPPED = 77  # CTest's SKIP_RETURN_CODE for this test: no local Slurm could start

if __name__ == "__main__":
    outcome = unittest.main(exit=False).result
    if not outcome.wasSuccessful():
        sys.exit(1)
    sys.exit(SKIPPED if outcome.skipped and len(outcome.skipped) >= outcome.testsRun else 0)
