/*
 * Bad firmware on purpose, no SDK: executes an illegal instruction with mtvec still 0, where no
 * memory is. The simulator must stop with a clear error (exit status 125), not hang.
 */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    .word 0xffffffff
1:  j 1b
