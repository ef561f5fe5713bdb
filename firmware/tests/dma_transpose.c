/*
 * 2D DMA between cores, run by every working core of the tile. The cores form a ring in rank
 * order (the core-info table, which skips disabled cores): rank r's next core is rank r + 1 mod
 * the core count, usually its east neighbour. Each core fills an N x N matrix and pushes its
 * transpose into the next core's SRAM with one column-gather descriptor per column; the last
 * descriptor notifies the next core's sync counter. Each core then waits for the transpose coming
 * from its previous core, checks it, pulls the previous core's matrix as a second check, and
 * checks that bad descriptors are reported as errors.
 *
 * Handshake: a core's .bss (where the incoming data lands) may still be loading, or be cleared by
 * its start-up code where the loader did not zero it, so each core first tells its previous core
 * it is ready (sync counter READY) and pushes only once its next core has said so.
 */
#include "check.h"

#include <dojo/core_info_registers.h>
#include <dojo/csr.h>
#include <dojo/dma.h>
#include <dojo/sync_registers.h>
#include <dojo/timer.h>

#define N 16

/* Sync unit: counter i's value (read) and its ADD register (a write of n adds n). */
#define SYNC_VALUE_OFFSET(i) (DOJO_SYNC_VALUE_OFFSET + DOJO_SYNC_VALUE_STRIDE * (i))
#define SYNC_ADD_OFFSET(i) (DOJO_SYNC_ADD_OFFSET + DOJO_SYNC_ADD_STRIDE * (i))
#define READY_COUNTER 0 /* my next core may now push into me */
#define DATA_COUNTER 1  /* my previous core's transpose has landed in `incoming` */

#define GIVE_UP_TICKS (10000 * DOJO_TIMER_TICKS_PER_US) /* 10 ms of simulated time */
#define UNMAPPED_ADDRESS 0x08000000

static uint32_t matrix[N][N];
static uint32_t incoming[N][N]; /* written by the previous core's engine */
static uint32_t pulled[N][N];
static struct dojo_dma_descriptor columns[N];
static struct dojo_dma_descriptor probe;

static uint32_t element(uint64_t hartid, unsigned row, unsigned column)
{
    return (uint32_t)(hartid << 16 | row << 8 | column);
}

static uint32_t core_info(uintptr_t offset)
{
    return *(volatile uint32_t *)((uintptr_t)DOJO_CORE_INFO_BASE + offset);
}

static uint64_t hartid_of_rank(uint32_t rank)
{
    return core_info(DOJO_CORE_INFO_RANK_TABLE_OFFSET +
                     DOJO_CORE_INFO_RANK_TABLE_STRIDE * (uintptr_t)rank);
}

static volatile uint64_t *sync_register(uintptr_t offset)
{
    return (volatile uint64_t *)((uintptr_t)DOJO_SYNC_BASE + offset);
}

/* Waits until my sync counter reaches `target`; 0 if it has not within GIVE_UP_TICKS. */
static int wait_for_counter(unsigned counter, uint64_t target)
{
    uint64_t start = dojo_timer_now();
    while (*sync_register(SYNC_VALUE_OFFSET(counter)) < target) {
        if (dojo_timer_now() - start > GIVE_UP_TICKS)
            return 0;
    }
    __asm__ volatile("fence i, r" ::: "memory");
    return 1;
}

/* Starts `probe` at `address` (a bad descriptor) and checks the error it reports. */
static void check_reported_error(uintptr_t address, uint32_t cause, uint64_t error_address,
                                 const char *what)
{
    uint32_t status = dojo_dma_run((const struct dojo_dma_descriptor *)address);
    printf("  %s: status 0x%x\n", what, (unsigned)status);
    check_equal(dojo_dma_state(status), DOJO_DMA_STATE_ERROR, "the engine stopped with an error");
    check_equal(dojo_dma_cause(status), cause, "with the expected cause");
    check_equal(dojo_dma_error_address(), error_address, "ERROR_ADDR names the offending address");
    check((status & DOJO_DMA_STATUS_IRQ_PENDING) != 0, "the error set the pending interrupt");
    dojo_dma_acknowledge_irq();
}

int main(void)
{
    uint64_t hartid = dojo_hart_id();
    uint32_t cores = core_info(DOJO_CORE_INFO_CORE_COUNT_OFFSET);
    uint32_t rank = core_info(DOJO_CORE_INFO_RANK_OFFSET);
    uint64_t next = hartid_of_rank((rank + 1) % cores);
    uint64_t previous = hartid_of_rank((rank + cores - 1) % cores);
    printf("dma_transpose: core 0x%llx (rank %u of %u) pushes to 0x%llx, receives from 0x%llx\n",
           (unsigned long long)hartid, (unsigned)rank, (unsigned)cores, (unsigned long long)next,
           (unsigned long long)previous);
    check_equal(hartid_of_rank(rank), hartid, "the rank table names this core at its rank");

    for (unsigned i = 0; i < N; ++i)
        for (unsigned j = 0; j < N; ++j)
            matrix[i][j] = element(hartid, i, j);

    /* Bad descriptors first, on this core alone: each is reported and the engine recovers. */
    dojo_dma_describe_1d(&probe, (uintptr_t)pulled, UNMAPPED_ADDRESS, 64);
    check_reported_error((uintptr_t)&probe + 4, DOJO_DMA_CAUSE_DESC_MISALIGNED,
                         (uintptr_t)&probe + 4, "misaligned descriptor");
    check_reported_error((uintptr_t)&probe, DOJO_DMA_CAUSE_SOURCE, UNMAPPED_ADDRESS,
                         "unmapped source");
    check(dojo_dma_succeeded(dojo_dma_copy((uintptr_t)pulled, (uintptr_t)matrix, sizeof matrix)),
          "a local copy after the errors succeeds");
    check(__builtin_memcmp(pulled, matrix, sizeof matrix) == 0, "the local copy is exact");

    /* Tell the previous core it may push into me, then wait until the next one says the same. */
    *(volatile uint64_t *)(uintptr_t)dojo_dma_global_address(
        previous, (uintptr_t)DOJO_SYNC_BASE + SYNC_ADD_OFFSET(READY_COUNTER)) = 1;
    check(wait_for_counter(READY_COUNTER, 1), "the next core is ready");

    /* Column c of my matrix becomes row c of the next core's `incoming`. */
    for (unsigned c = 0; c < N; ++c) {
        dojo_dma_describe_2d(&columns[c], dojo_dma_global_address(next, (uintptr_t)incoming[c]),
                             sizeof(uint32_t), (uintptr_t)&matrix[0][c], sizeof matrix[0],
                             sizeof(uint32_t), N);
        if (c + 1 < N)
            dojo_dma_chain(&columns[c], &columns[c + 1]);
    }
    dojo_dma_set_notify(&columns[N - 1],
                        dojo_dma_global_address(next, (uintptr_t)DOJO_SYNC_BASE +
                                                          SYNC_ADD_OFFSET(DATA_COUNTER)),
                        1);
    columns[N - 1].flags |= DOJO_DMA_DESCRIPTOR_FLAGS_IRQ;
    uint32_t status = dojo_dma_run(columns);
    check(dojo_dma_succeeded(status), "the transpose push completed");
    check_equal(dojo_dma_completed(), N, "every column descriptor retired");
    check((status & DOJO_DMA_STATUS_IRQ_PENDING) != 0, "the last descriptor set the interrupt");
    dojo_dma_acknowledge_irq();
    check((dojo_dma_status() & DOJO_DMA_STATUS_IRQ_PENDING) == 0, "acknowledge cleared it");

    /* The previous core's transpose arrives in `incoming`. */
    check(wait_for_counter(DATA_COUNTER, 1), "the previous core's notification arrived");
    unsigned wrong = 0;
    for (unsigned i = 0; i < N; ++i)
        for (unsigned j = 0; j < N; ++j)
            wrong += incoming[i][j] != element(previous, j, i);
    check_equal(wrong, 0, "the incoming transpose is exact");

    /* Pull: the previous core's matrix is complete since it pushed from it. */
    status = dojo_dma_copy((uintptr_t)pulled, dojo_dma_global_address(previous, (uintptr_t)matrix),
                           sizeof matrix);
    check(dojo_dma_succeeded(status), "pulling the previous core's matrix completed");
    wrong = 0;
    for (unsigned i = 0; i < N; ++i)
        for (unsigned j = 0; j < N; ++j)
            wrong += pulled[i][j] != element(previous, i, j);
    check_equal(wrong, 0, "the pulled matrix is exact");

    return check_verdict("dma_transpose");
}
