/*
 * Bad firmware on purpose, no SDK: waits for an interrupt with every interrupt disabled. Nothing
 * can ever wake it, so the simulator must report a deadlock (exit status 125), not hang.
 */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
1:  wfi
    j 1b
