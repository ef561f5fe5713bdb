/*
 * The shape of a RISC-V architectural test, no SDK: results stored between begin_signature and
 * end_signature, then Spike's HTIF exit (tohost = 1). dojo-vp --signature FILE dumps them.
 */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    la t0, begin_signature
    li t1, 0x11223344
    sw t1, 0(t0)
    li t1, -1
    sw t1, 4(t0)
    li t1, 0x0123456789abcdef
    sd t1, 8(t0)
    li a0, 1
    la t0, tohost
    sd a0, 0(t0)
1:  j 1b                      /* the host ends the run */

    .data
    .balign 16
    .globl begin_signature
begin_signature:
    .fill 4, 4, 0xdeadbeef
    .globl end_signature
end_signature:

#include "htif_tohost.inc"
