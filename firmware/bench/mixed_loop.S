/*
 * A benchmark loop that is not only addi + bnez: each of 256 words of an array is loaded,
 * multiplied, mixed, stored back, and counted when odd (a forward branch taken about half the
 * time), 100,000 times over (12 or 13 instructions per element, about 320 million in all).
 * Without the SDK, so that QEMU runs the same ELF; the store to the exit device ends the run
 * with status 0.
 */
#include <dojo/platform.h>

    .equ ROUNDS, 100000
    .equ WORDS, 256

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    li t0, ROUNDS
    li a2, 0x9E3779B97F4A7C15
    li a3, 0
round:
    la a0, words
    li a1, WORDS
element:
    ld t1, 0(a0)
    mul t2, t1, a2
    add t2, t2, a1
    xor t1, t1, t2
    sd t1, 0(a0)
    andi t3, t2, 1
    beqz t3, 1f
    addi a3, a3, 1
1:  addi a0, a0, 8
    addi a1, a1, -1
    bnez a1, element
    addi t0, t0, -1
    bnez t0, round
    li t1, DOJO_EXIT_DEVICE_BASE
    li t2, DOJO_EXIT_REQUEST_PASS
    sw t2, 0(t1)
2:  j 2b

    .bss
    .balign 8
words:
    .space 8 * WORDS
