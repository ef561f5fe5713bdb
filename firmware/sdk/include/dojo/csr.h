/*
 * Machine-mode CSR access and the CSR bit fields the SDK and its programs use.
 *
 * The toolchain builds for plain rv64imac, whose assembler (binutils 2.40) only accepts CSR
 * instructions once Zicsr is enabled: each access turns it on for that one instruction.
 */
#ifndef DOJO_CSR_H
#define DOJO_CSR_H

/* mstatus */
#define DOJO_MSTATUS_MIE (1 << 3)   /* machine interrupts enabled */
#define DOJO_MSTATUS_MPIE (1 << 7)  /* MIE before the trap */
#define DOJO_MSTATUS_MPP (3 << 11)  /* privilege before the trap */
#define DOJO_MSTATUS_MPP_SHIFT 11
#define DOJO_PRIV_USER 0
#define DOJO_PRIV_MACHINE 3

/* mie / mip */
#define DOJO_MIE_MSIE (1 << 3) /* machine software interrupt */
#define DOJO_MIE_MTIE (1 << 7) /* machine timer interrupt */
#define DOJO_MIE_MEIE (1 << 11) /* machine external interrupt: the DMA engine and sync unit */

/* pmpcfg: NAPOT region with read, write and execute */
#define DOJO_PMPCFG_NAPOT_RWX 0x1f

#ifndef __ASSEMBLER__
#include <stdint.h>

#define DOJO_CSR_ASM(insn) ".option push\n.option arch, +zicsr\n" insn "\n.option pop"

/* dojo_csr_read(mstatus) returns the CSR as uint64_t. */
#define dojo_csr_read(csr)                                                         \
    ({                                                                             \
        uint64_t dojo_csr_value_;                                                  \
        __asm__ volatile(DOJO_CSR_ASM("csrr %0, " #csr) : "=r"(dojo_csr_value_)); \
        dojo_csr_value_;                                                           \
    })

#define dojo_csr_write(csr, value) \
    __asm__ volatile(DOJO_CSR_ASM("csrw " #csr ", %0") ::"r"((uint64_t)(value)) : "memory")

/* Sets / clears the bits of `mask` in the CSR. */
#define dojo_csr_set(csr, mask) \
    __asm__ volatile(DOJO_CSR_ASM("csrs " #csr ", %0") ::"r"((uint64_t)(mask)) : "memory")
#define dojo_csr_clear(csr, mask) \
    __asm__ volatile(DOJO_CSR_ASM("csrc " #csr ", %0") ::"r"((uint64_t)(mask)) : "memory")

static inline uint64_t dojo_hart_id(void)
{
    return dojo_csr_read(mhartid);
}

static inline void dojo_wait_for_interrupt(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

/*
 * Sleeping on the machine external interrupt (the DMA engine and the sync unit) without taking
 * a trap: WFI wakes when an interrupt is pending and enabled in mie, whatever mstatus.MIE says.
 * With MIE off no handler runs and the caller's loop checks why it woke. Returns what
 * dojo_external_wait_end() puts back.
 */
struct dojo_external_wait {
    uint64_t mstatus, mie;
};

static inline struct dojo_external_wait dojo_external_wait_begin(void)
{
    struct dojo_external_wait saved;
    saved.mstatus = dojo_csr_read(mstatus);
    dojo_csr_clear(mstatus, DOJO_MSTATUS_MIE);
    saved.mie = dojo_csr_read(mie);
    dojo_csr_set(mie, DOJO_MIE_MEIE);
    return saved;
}

static inline void dojo_external_wait_end(struct dojo_external_wait saved)
{
    if (!(saved.mie & DOJO_MIE_MEIE))
        dojo_csr_clear(mie, DOJO_MIE_MEIE);
    if (saved.mstatus & DOJO_MSTATUS_MIE)
        dojo_csr_set(mstatus, DOJO_MSTATUS_MIE);
}

#endif /* __ASSEMBLER__ */
#endif
