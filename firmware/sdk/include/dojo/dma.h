/*
 * The core's DMA engine (docs/dma.md): chains of descriptors in memory, each moving a 1D or 2D
 * block between any two addresses the core can reach (its SRAM, or another core's through the
 * global window), optionally followed by an 8-byte notification write.
 *
 *     struct dojo_dma_descriptor d;
 *     dojo_dma_describe_1d(&d, dojo_dma_global_address(peer, (uintptr_t)buffer), (uintptr_t)data,
 *                          sizeof data);
 *     dojo_dma_set_irq(&d);                  // the end of the chain wakes the core
 *     dojo_dma_start(&d);
 *     uint32_t status = dojo_dma_wait();     // asleep in WFI until it is done
 *     if (!dojo_dma_succeeded(status)) ...
 */
#ifndef DOJO_DMA_H
#define DOJO_DMA_H

#include <dojo/platform.h>
#include <stddef.h>
#include <stdint.h>

/* Registers (offsets from DOJO_DMA_BASE), their fields, states and error causes: generated from
   the engine's register map (models/dma/dma_registers.yaml; docs/dma.md). */
#include <dojo/dma_descriptor.h>
#include <dojo/dma_registers.h>

/* A descriptor: 64 bytes in memory, 8-byte aligned, little-endian, laid out as
   <dojo/dma_descriptor.h> says (checked below). */
struct dojo_dma_descriptor {
    uint64_t src;          /* first source byte */
    uint64_t dst;          /* first destination byte */
    uint64_t next;         /* next descriptor, 0 ends the chain */
    uint64_t notify_addr;  /* with DOJO_DMA_DESCRIPTOR_FLAGS_NOTIFY: 8-byte write of notify_value here */
    uint64_t notify_value;
    uint32_t row_bytes;    /* bytes per row */
    uint32_t rows;         /* 1 for a 1D copy */
    int32_t src_stride;    /* bytes from one source row's start to the next (may be negative) */
    int32_t dst_stride;    /* the same for the destination */
    uint32_t flags;        /* DOJO_DMA_DESCRIPTOR_FLAGS_* */
    uint32_t reserved;     /* write 0 */
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct dojo_dma_descriptor) == DOJO_DMA_DESCRIPTOR_SIZE, "descriptor size");
#define DOJO_DMA_DESCRIPTOR_CHECK_(field, NAME)                                               \
    _Static_assert(offsetof(struct dojo_dma_descriptor, field) ==                             \
                           DOJO_DMA_DESCRIPTOR_##NAME##_OFFSET &&                             \
                       sizeof(((struct dojo_dma_descriptor *)0)->field) ==                    \
                           DOJO_DMA_DESCRIPTOR_##NAME##_BYTES,                                \
                   "descriptor field " #field)
DOJO_DMA_DESCRIPTOR_CHECK_(src, SRC);
DOJO_DMA_DESCRIPTOR_CHECK_(dst, DST);
DOJO_DMA_DESCRIPTOR_CHECK_(next, NEXT);
DOJO_DMA_DESCRIPTOR_CHECK_(notify_addr, NOTIFY_ADDR);
DOJO_DMA_DESCRIPTOR_CHECK_(notify_value, NOTIFY_VALUE);
DOJO_DMA_DESCRIPTOR_CHECK_(row_bytes, ROW_BYTES);
DOJO_DMA_DESCRIPTOR_CHECK_(rows, ROWS);
DOJO_DMA_DESCRIPTOR_CHECK_(src_stride, SRC_STRIDE);
DOJO_DMA_DESCRIPTOR_CHECK_(dst_stride, DST_STRIDE);
DOJO_DMA_DESCRIPTOR_CHECK_(flags, FLAGS);
DOJO_DMA_DESCRIPTOR_CHECK_(reserved, RESERVED);
#undef DOJO_DMA_DESCRIPTOR_CHECK_

static inline volatile uint32_t *dojo_dma_register32(uintptr_t offset)
{
    return (volatile uint32_t *)((uintptr_t)DOJO_DMA_BASE + offset);
}

static inline volatile uint64_t *dojo_dma_register64(uintptr_t offset)
{
    return (volatile uint64_t *)((uintptr_t)DOJO_DMA_BASE + offset);
}

/*
 * The global-window address of `local_address` (an address in the local SRAM or device block)
 * on the core whose mhartid is `hartid`; 0 (which the engine refuses) for anything else.
 */
static inline uint64_t dojo_dma_global_address(uint64_t hartid, uintptr_t local_address)
{
    const uint64_t space_size = (uint64_t)DOJO_GLOBAL_OFFSET_MASK + 1;
    uint64_t space, offset;
    if (local_address - (uint64_t)DOJO_SRAM_BASE < space_size) {
        space = DOJO_GLOBAL_SPACE_SRAM;
        offset = local_address - (uint64_t)DOJO_SRAM_BASE;
    } else if (local_address - (uint64_t)DOJO_DEVICE_BLOCK_BASE < space_size) {
        space = DOJO_GLOBAL_SPACE_DEVICES;
        offset = local_address - (uint64_t)DOJO_DEVICE_BLOCK_BASE;
    } else {
        return 0;
    }
    /* DOJO_GLOBAL_BASE rather than dojo_global_slot(): no core-info read per address. */
    return (uint64_t)DOJO_GLOBAL_BASE |
           ((hartid >> DOJO_HARTID_CHIP_Y_SHIFT) & DOJO_HARTID_CHIP_Y_MASK) << DOJO_GLOBAL_CHIP_Y_SHIFT |
           ((hartid >> DOJO_HARTID_CHIP_X_SHIFT) & DOJO_HARTID_CHIP_X_MASK) << DOJO_GLOBAL_CHIP_X_SHIFT |
           ((hartid >> DOJO_HARTID_Y_SHIFT) & DOJO_HARTID_Y_MASK) << DOJO_GLOBAL_Y_SHIFT |
           ((hartid >> DOJO_HARTID_X_SHIFT) & DOJO_HARTID_X_MASK) << DOJO_GLOBAL_X_SHIFT |
           space << DOJO_GLOBAL_SPACE_SHIFT | offset;
}

/* Fills `d` for a 2D block: `rows` rows of `row_bytes`, no chaining, no flags. */
static inline void dojo_dma_describe_2d(struct dojo_dma_descriptor *d, uint64_t dst,
                                        int32_t dst_stride, uint64_t src, int32_t src_stride,
                                        uint32_t row_bytes, uint32_t rows)
{
    d->src = src;
    d->dst = dst;
    d->next = 0;
    d->notify_addr = 0;
    d->notify_value = 0;
    d->row_bytes = row_bytes;
    d->rows = rows;
    d->src_stride = src_stride;
    d->dst_stride = dst_stride;
    d->flags = 0;
    d->reserved = 0;
}

/* Fills `d` for a contiguous copy of `bytes` bytes. */
static inline void dojo_dma_describe_1d(struct dojo_dma_descriptor *d, uint64_t dst, uint64_t src,
                                        uint32_t bytes)
{
    dojo_dma_describe_2d(d, dst, 0, src, 0, bytes, 1);
}

/* After its data has landed, `d` writes `value` (8 bytes) to `address`, e.g. a sync counter's ADD
   register so the consumer's counter grows by `value`. */
static inline void dojo_dma_set_notify(struct dojo_dma_descriptor *d, uint64_t address,
                                       uint64_t value)
{
    d->notify_addr = address;
    d->notify_value = value;
    d->flags |= DOJO_DMA_DESCRIPTOR_FLAGS_NOTIFY;
}

/* Makes `next` run after `d`. */
static inline void dojo_dma_chain(struct dojo_dma_descriptor *d,
                                  const struct dojo_dma_descriptor *next)
{
    d->next = (uintptr_t)next;
}

static inline uint32_t dojo_dma_status(void)
{
    return *dojo_dma_register32(DOJO_DMA_STATUS_OFFSET);
}

static inline uint32_t dojo_dma_state(uint32_t status)
{
    return status & DOJO_DMA_STATUS_STATE_MASK;
}

static inline uint32_t dojo_dma_cause(uint32_t status)
{
    return (status >> DOJO_DMA_STATUS_CAUSE_SHIFT) & DOJO_DMA_STATUS_CAUSE_MASK;
}

static inline int dojo_dma_succeeded(uint32_t status)
{
    return dojo_dma_state(status) == DOJO_DMA_STATE_DONE;
}

static inline uint64_t dojo_dma_error_address(void)
{
    return *dojo_dma_register64(DOJO_DMA_ERROR_ADDR_OFFSET);
}

static inline uint32_t dojo_dma_completed(void)
{
    return *dojo_dma_register32(DOJO_DMA_COMPLETED_OFFSET);
}

/* Clears the pending interrupt (the engine sets it on an error or a DOJO_DMA_DESCRIPTOR_FLAGS_IRQ
   descriptor). */
static inline void dojo_dma_acknowledge_irq(void)
{
    *dojo_dma_register32(DOJO_DMA_IRQ_ACK_OFFSET) = 1;
}

/* Enables or disables the interrupt line (the machine external interrupt) without starting. */
static inline void dojo_dma_enable_irq(int enable)
{
    *dojo_dma_register32(DOJO_DMA_CONTROL_OFFSET) = enable ? DOJO_DMA_CONTROL_IRQ_ENABLE : 0;
}

/* Starts the chain at `first` (ignored while the engine is busy: wait first). */
static inline void dojo_dma_start(const struct dojo_dma_descriptor *first)
{
    /* The descriptors must be in memory before the engine reads them. */
    __asm__ volatile("fence w, o" ::: "memory");
    *dojo_dma_register64(DOJO_DMA_DESC_ADDR_OFFSET) = (uintptr_t)first;
    uint32_t irq_enable = *dojo_dma_register32(DOJO_DMA_CONTROL_OFFSET) &
                          DOJO_DMA_CONTROL_IRQ_ENABLE;
    *dojo_dma_register32(DOJO_DMA_CONTROL_OFFSET) = DOJO_DMA_CONTROL_START | irq_enable;
}

/* Polls STATUS until the engine is no longer busy; returns the final STATUS. Works for any chain,
   at the price of a core that runs (and loads the engine's registers) all the while. */
static inline uint32_t dojo_dma_poll(void)
{
    uint32_t status;
    while (dojo_dma_state(status = dojo_dma_status()) == DOJO_DMA_STATE_BUSY) {
    }
    /* The engine's writes are visible before what follows reads them. */
    __asm__ volatile("fence i, r" ::: "memory");
    return status;
}

/* Makes `d` set the engine's pending interrupt when it retires: mark the last descriptor of a
   chain that dojo_dma_wait() waits for. */
static inline void dojo_dma_set_irq(struct dojo_dma_descriptor *d)
{
    d->flags |= DOJO_DMA_DESCRIPTOR_FLAGS_IRQ;
}

/*
 * Sleeps in WFI until the engine is no longer busy; returns the final STATUS and leaves the
 * interrupt acknowledged. The chain must end with a DOJO_DMA_DESCRIPTOR_FLAGS_IRQ
 * descriptor (dojo_dma_set_irq); an error raises the interrupt anyway. Without one nothing wakes
 * the core. Details and pitfalls: docs/dma.md, "Waiting asleep".
 */
uint32_t dojo_dma_wait(void);

/* Runs the chain at `first` to its end, polling (any chain); returns the final STATUS. */
static inline uint32_t dojo_dma_run(const struct dojo_dma_descriptor *first)
{
    dojo_dma_start(first);
    return dojo_dma_poll();
}

/* Copies `bytes` bytes from `src` to `dst` (local or global addresses) and waits; returns the
   final STATUS (dojo_dma_succeeded() tells if it worked). */
static inline uint32_t dojo_dma_copy(uint64_t dst, uint64_t src, uint32_t bytes)
{
    struct dojo_dma_descriptor d;
    dojo_dma_describe_1d(&d, dst, src, bytes);
    return dojo_dma_run(&d);
}

#endif
