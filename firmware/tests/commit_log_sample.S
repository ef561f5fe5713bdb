/*
 * A small bare-metal program for the commit log (dojo-vp run --log-commits): loads and stores of
 * every size, compressed instructions, a call, a counted loop, AMOs and LR/SC, CSR writes and
 * reads, an ecall trap and mret. Spike's HTIF convention ends it (tohost = 1: status 0).
 * tests/platform/commit_log_sample.log is its log, written by hand from Spike's rules.
 */
    .option arch, +zicsr
    .option norelax               /* addresses as written: no linker relaxation */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    .option push
    .option norvc
    la t0, trap_handler
    csrw mtvec, t0
    la s0, data
    ld a0, 0(s0)
    lw a1, 8(s0)
    lbu a2, 12(s0)
    lh a3, 14(s0)
    sd a0, 16(s0)
    sw a1, 24(s0)
    sh a3, 28(s0)
    sb a2, 30(s0)
    .option pop
    c.li a4, 7
    c.addi a4, -2
    c.mv a5, a4
    c.sd a5, 32(s0)
    c.ld a5, 40(s0)
    c.nop                         /* six 2-byte instructions: 4-byte alignment again */
    .option push
    .option norvc
    call triple
    li t1, 3
1:  addi t1, t1, -1
    bnez t1, 1b
    li t1, 5
    amoadd.d t2, t1, (s0)
    lr.d t3, (s0)
    sc.d t4, t1, (s0)
    sc.d t5, t1, (s0)
    li t1, 0x1234
    csrw mscratch, t1
    csrr t2, mscratch
    ecall
    addi s1, zero, 1
    li a0, 1
    la t0, tohost
    sd a0, 0(t0)
2:  j 2b                          /* the host ends the run */

triple:                           /* a0 = 3 * a4 */
    slli a0, a4, 1
    add a0, a0, a4
    ret

trap_handler:                     /* return past the ecall */
    csrr t3, mcause
    csrr t3, mepc
    addi t3, t3, 4
    csrw mepc, t3
    mret
    .option pop

    .section .data
    .balign 8
data:
    .dword 0x1122334455667788
    .word 0x80000001
    .byte 0xfe, 0, 0x34, 0x82
    .dword 0, 0, 0
    .dword 0xcafef00d

#include "htif_tohost.inc"
