#!/usr/bin/env python3
"""Independent Python model of workloads.c: prints the checksums the firmware checks against.

Usage: reference.py [BENCH_ROUNDS]   (compute.c checks round 1; compute_bench.c folds rounds
1..BENCH_ROUNDS). Uses zlib's CRC-32 and Python's sort, not ports of the C kernels.
"""
import sys
import zlib

CRC_BYTES = 4096
SORT_COUNT = 1000
MATRIX_N = 24
MASK = 0xFFFFFFFF


def draws(seed):
    state = seed
    while True:
        state = (state * 1664525 + 1013904223) & MASK
        yield state


def run_round(seed):
    rng = draws(seed)
    data = bytes(next(rng) >> 24 for _ in range(CRC_BYTES))
    crc = zlib.crc32(data)
    words = sorted(next(rng) for _ in range(SORT_COUNT))
    sort_checksum = sum((i + 1) * w for i, w in enumerate(words)) & MASK
    n = MATRIX_N
    a = [(next(rng) >> 24) - 128 for _ in range(n * n)]
    b = [(next(rng) >> 24) - 128 for _ in range(n * n)]
    b_columns = [b[column::n] for column in range(n)]
    product = [sum(x * y for x, y in zip(a[row * n:row * n + n], b_columns[column]))
               for row in range(n) for column in range(n)]
    matrix_checksum = sum((i + 1) * p for i, p in enumerate(product)) & MASK
    return crc, sort_checksum, matrix_checksum


def fold_rounds(rounds):
    total = 0
    for seed in range(1, rounds + 1):
        for value in run_round(seed):
            total = (total * 31 + value) & MASK
    return total


def main():
    crc, sort_checksum, matrix_checksum = run_round(1)
    print(f"round 1: crc=0x{crc:08x} sort_checksum=0x{sort_checksum:08x} "
          f"matrix_checksum=0x{matrix_checksum:08x}")
    if len(sys.argv) > 1:
        rounds = int(sys.argv[1])
        print(f"{rounds} rounds folded: 0x{fold_rounds(rounds):08x}")


if __name__ == "__main__":
    main()
