/*
 * Instruction-throughput benchmark without the SDK: 100 million iterations of addi + bnez,
 * i.e. exactly 200,000,000 loop instructions, plus 5 instructions of set-up and exit.
 * Ends with status 0 through the exit device.
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
    li t2, DOJO_EXIT_PASS
    sw t2, 0(t1)
2:  j 2b
