/*
 * 2D DMA between cores, run by every core of the mesh. Each core fills an N x N matrix and pushes
 * its transpose into its east neighbour's SRAM (x + 1 mod width, same row) with one column-gather
 * descriptor per column; the last descriptor notifies the neighbour's sync counter. Each core then
 * waits for the transpose coming from its west neighbour, checks it, pulls the west neighbour's
 * matrix back as a second check, and checks that bad descriptors are reported as errors.
 *
 * Handshake: a core's .bss (where the incoming data lands) is cleared by its start-up code, so
 * each core first tells its west neighbour it is ready (sync counter READY) and pushes only once
 * its east neighbour has said so.
 */
#include "check.h"

#include <dojo/csr.h>
#include <dojo/dma.h>
#include <dojo/timer.h>

#define N 16

/* Mesh size when the core-info device reports none (the 2x2 "mini" tile). */
#ifndef DOJO_MESH_WIDTH
#define DOJO_MESH_WIDTH 2
#endif
#ifndef DOJO_MESH_HEIGHT
#define DOJO_MESH_HEIGHT 2
#endif
#define MESH_MAX 32 /* mhartid has 5 bits per coordinate */

/* Core-info registers: the mesh size. */
#define CORE_INFO_MESH_WIDTH_OFFSET 0x00
#define CORE_INFO_MESH_HEIGHT_OFFSET 0x04

/* Sync unit: counter i's value (read) and its ADD register (a write of n adds n). */
#define SYNC_VALUE_OFFSET(i) (16 * (i))
#define SYNC_ADD_OFFSET(i) (16 * (i) + 8)
#define READY_COUNTER 0 /* my east neighbour may now push into me */
#define DATA_COUNTER 1  /* my west neighbour's transpose has landed in `incoming` */

#define GIVE_UP_TICKS (10000 * DOJO_TIMER_TICKS_PER_US) /* 10 ms of simulated time */
#define UNMAPPED_ADDRESS 0x08000000

static uint32_t matrix[N][N];
static uint32_t incoming[N][N]; /* written by the west neighbour's engine */
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

static uint32_t mesh_dimension(uintptr_t offset, uint32_t fallback)
{
    uint32_t value = core_info(offset);
    return value >= 1 && value <= MESH_MAX ? value : fallback;
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
    uint32_t x = (hartid >> DOJO_HARTID_X_SHIFT) & 31;
    uint32_t width = mesh_dimension(CORE_INFO_MESH_WIDTH_OFFSET, DOJO_MESH_WIDTH);
    uint32_t height = mesh_dimension(CORE_INFO_MESH_HEIGHT_OFFSET, DOJO_MESH_HEIGHT);
    uint64_t row_base = hartid & ~((uint64_t)31 << DOJO_HARTID_X_SHIFT);
    uint64_t east = row_base | (uint64_t)((x + 1) % width) << DOJO_HARTID_X_SHIFT;
    uint64_t west = row_base | (uint64_t)((x + width - 1) % width) << DOJO_HARTID_X_SHIFT;
    printf("dma_transpose: core 0x%llx of a %ux%u mesh pushes to 0x%llx, receives from 0x%llx\n",
           (unsigned long long)hartid, (unsigned)width, (unsigned)height,
           (unsigned long long)east, (unsigned long long)west);

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

    /* Tell the west neighbour it may push into me, then wait until the east one says the same. */
    *(volatile uint64_t *)(uintptr_t)dojo_dma_global_address(
        west, (uintptr_t)DOJO_SYNC_BASE + SYNC_ADD_OFFSET(READY_COUNTER)) = 1;
    check(wait_for_counter(READY_COUNTER, 1), "the east neighbour is ready");

    /* Column c of my matrix becomes row c of the east neighbour's `incoming`. */
    for (unsigned c = 0; c < N; ++c) {
        dojo_dma_describe_2d(&columns[c], dojo_dma_global_address(east, (uintptr_t)incoming[c]),
                             sizeof(uint32_t), (uintptr_t)&matrix[0][c], sizeof matrix[0],
                             sizeof(uint32_t), N);
        if (c + 1 < N)
            dojo_dma_chain(&columns[c], &columns[c + 1]);
    }
    dojo_dma_set_notify(&columns[N - 1],
                        dojo_dma_global_address(east, (uintptr_t)DOJO_SYNC_BASE +
                                                          SYNC_ADD_OFFSET(DATA_COUNTER)),
                        1);
    columns[N - 1].flags |= DOJO_DMA_FLAG_IRQ;
    uint32_t status = dojo_dma_run(columns);
    check(dojo_dma_succeeded(status), "the transpose push completed");
    check_equal(dojo_dma_completed(), N, "every column descriptor retired");
    check((status & DOJO_DMA_STATUS_IRQ_PENDING) != 0, "the last descriptor set the interrupt");
    dojo_dma_acknowledge_irq();
    check((dojo_dma_status() & DOJO_DMA_STATUS_IRQ_PENDING) == 0, "acknowledge cleared it");

    /* The west neighbour's transpose arrives in `incoming`. */
    check(wait_for_counter(DATA_COUNTER, 1), "the west neighbour's notification arrived");
    unsigned wrong = 0;
    for (unsigned i = 0; i < N; ++i)
        for (unsigned j = 0; j < N; ++j)
            wrong += incoming[i][j] != element(west, j, i);
    check_equal(wrong, 0, "the incoming transpose is exact");

    /* Pull: the west neighbour's matrix is complete since it pushed from it. */
    status = dojo_dma_copy((uintptr_t)pulled, dojo_dma_global_address(west, (uintptr_t)matrix),
                           sizeof matrix);
    check(dojo_dma_succeeded(status), "pulling the west neighbour's matrix completed");
    wrong = 0;
    for (unsigned i = 0; i < N; ++i)
        for (unsigned j = 0; j < N; ++j)
            wrong += pulled[i][j] != element(west, i, j);
    check_equal(wrong, 0, "the pulled matrix is exact");

    return check_verdict("dma_transpose");
}
