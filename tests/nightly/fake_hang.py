#!/usr/bin/env python3
"""A stand-in for a hanging dojo-vp in tests/scripts/test_nightly.py: it never ends by itself and
answers SIGUSR1 as dojo-vp does (docs/debugging.md), with a state dump block on stderr, then goes
on. With the argument `silent` it ignores SIGUSR1 instead (a simulator that cannot dump)."""
import signal
import sys
import time


def dump(_number, _frame):
    sys.stderr.write("dojo-vp: state dump at 42 ps of simulated time, 1 core\n"
                     "core 0: running, machine mode, pc 0x80000008\n"
                     "dojo-vp: end of state dump\n")
    sys.stderr.flush()


signal.signal(signal.SIGUSR1, signal.SIG_IGN if sys.argv[1:] == ["silent"] else dump)
print("fake_hang: running", flush=True)
while True:
    time.sleep(1)
