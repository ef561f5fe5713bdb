/*
 * Reset entry. The image is linked and loaded entirely in SRAM, so nothing is copied:
 * set up sp/gp/tp, zero .tbss and .bss, open memory to user mode, install the trap entry,
 * run constructors, then exit(main(argc, argv)) (arguments.h). Every core runs it in its
 * own SRAM, which each core sees at DOJO_SRAM_BASE, so nothing here depends on mhartid.
 */
#include <dojo/csr.h>

    .option arch, +zicsr

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    .option push
    .option norelax           /* gp cannot address itself while it is being set */
    la gp, __global_pointer$
    .option pop
    la sp, __stack
    la tp, __tls_base         /* thread-local data (picolibc's errno) is addressed from tp */
    csrw mscratch, zero       /* the trap entry's "running in machine mode" marker */

    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:
    /*
     * With PMP implemented (QEMU), user-mode accesses fail unless an entry matches, so
     * entry 0 grants everything. A core without PMP CSRs raises illegal instruction here:
     * a temporary trap vector skips the (4-byte) csrw.
     */
    la t0, skip_faulting_csr_write
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, DOJO_PMPCFG_NAPOT_RWX
    csrw pmpcfg0, t0

    la t0, dojo_trap_entry
    csrw mtvec, t0

    call __libc_init_array
    call dojo_arguments       /* argc, argv: a two-word struct comes back in a0, a1 */
    call main
    call exit

    .balign 4
skip_faulting_csr_write:
    csrr t6, mepc
    addi t6, t6, 4
    csrw mepc, t6
    mret
