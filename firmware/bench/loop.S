/*
 * Instruction-throughput benchmark without the SDK: 100 million iterations of addi + bnez,
 * i.e. exactly 200,000,000 loop instructions, plus 6 of set-up and exit; the last of them is
 * the store to the exit device that ends the run with status 0.
 */
#include <dojo/platform.h>

    .equ ITERATIONS, 100000000

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    li t0, ITERATIONS
1:  addi t0, t0, -1
    bnez t0, 1b
    li t1, DOJO_EXIT_DEVICE_BASE
    li t2, DOJO_EXIT_REQUEST_PASS
    sw t2, 0(t1)
2:  j 2b
