/*
 * Reset entry. The image is linked and loaded entirely in SRAM, so nothing is copied:
 * set up sp/gp/tp, zero .tbss and .bss (unless the loader did), open memory to user mode,
 * install the trap entry, run constructors, then exit(main(argc, argv)) (arguments.h). Every
 * core runs it in its own SRAM, which each core sees at DOJO_SRAM_BASE, so nothing here depends
 * on mhartid.
 */
#include <dojo/csr.h>
#include <dojo/core_info_registers.h>
#include <dojo/platform.h>

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

    /* Until the SDK's trap entry is installed, a faulting (4-byte) instruction is skipped. */
    la t0, skip_faulting_instruction
    csrw mtvec, t0

    /*
     * dojo-vp's loaders leave .bss zero and say so in the core-info block: clearing it again
     * would cost every core an instruction per 8 bytes. Where there is no core-info block
     * (QEMU) the load faults and is skipped, t2 stays 0, and .bss is cleared.
     */
    li t2, 0
    li t1, DOJO_CORE_INFO_BASE
    .option push
    .option norvc             /* the skip above assumes 4 bytes */
    lw t2, DOJO_CORE_INFO_LOAD_FLAGS_OFFSET(t1)
    .option pop
    andi t2, t2, DOJO_CORE_INFO_LOAD_FLAGS_IMAGE_ZEROED
    bnez t2, 2f
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:
    /*
     * With PMP implemented (QEMU), user-mode accesses fail unless an entry matches, so
     * entry 0 grants everything. A core without PMP CSRs raises illegal instruction here,
     * and the csrw is skipped.
     */
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
skip_faulting_instruction:
    csrr t6, mepc
    addi t6, t6, 4
    csrw mepc, t6
    mret

/*
 * The platform this program was built for (DOJO_PLATFORM_RECORD, <dojo/memory_map.h>): `key=value`
 * lines with dojo-vp's parameter keys. The section is not loaded; dojo-vp's loader compares it
 * with the platform it runs and refuses a program built for another memory map
 * (docs/firmware-sdk.md).
 */
    .section .dojo.platform, "", @progbits
    .ascii DOJO_PLATFORM_RECORD
    .byte 0
