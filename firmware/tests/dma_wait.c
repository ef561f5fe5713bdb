/*
 * Waiting for the DMA engine asleep (dojo_dma_wait, dojo_sync_wait) and the cycle counter
 * (dojo/cycles.h), on one core. Each wait must last thousands of cycles (the copy takes them)
 * while retiring only a handful of instructions: the core slept in WFI instead of polling.
 */
#include "check.h"

#include <dojo/csr.h>
#include <dojo/cycles.h>
#include <dojo/dma.h>
#include <dojo/sync.h>
#include <dojo/timer.h>

#define BLOCK_BYTES (16 * 1024)
#define BLOCKS 4
#define NOTIFY_COUNTER 0
#define MAX_WAIT_INSTRUCTIONS 200 /* a polling loop retires one per few cycles: thousands */
#define UNMAPPED_ADDRESS 0x08000000

static uint8_t source[BLOCKS][BLOCK_BYTES];
static uint8_t destination[BLOCKS][BLOCK_BYTES];
static struct dojo_dma_descriptor chain[BLOCKS];

struct measure {
    uint64_t cycles, instructions;
};

static struct measure measure_start(void)
{
    struct measure m = {dojo_cycles(), dojo_instructions()};
    return m;
}

static void check_slept(struct measure start, const char *what)
{
    uint64_t cycles = dojo_cycles() - start.cycles;
    uint64_t instructions = dojo_instructions() - start.instructions;
    printf("  %s: %llu cycles, %llu instructions\n", what, (unsigned long long)cycles,
           (unsigned long long)instructions);
    check(cycles > 1000, "the wait lasted as long as the copy");
    check(instructions < MAX_WAIT_INSTRUCTIONS, "few instructions retired while waiting");
}

static void fill(unsigned round)
{
    for (unsigned b = 0; b < BLOCKS; ++b)
        for (unsigned i = 0; i < BLOCK_BYTES; ++i)
            source[b][i] = (uint8_t)(b * 31 + i * 7 + round);
}

int main(void)
{
    puts("dma_wait: asleep on the interrupt");
    fill(0);
    for (unsigned b = 0; b < BLOCKS; ++b) {
        dojo_dma_describe_1d(&chain[b], (uintptr_t)destination[b], (uintptr_t)source[b],
                             BLOCK_BYTES);
        if (b + 1 < BLOCKS)
            dojo_dma_chain(&chain[b], &chain[b + 1]);
    }
    dojo_dma_set_irq(&chain[BLOCKS - 1]);
    const uint64_t mie_before = dojo_csr_read(mie), mstatus_before = dojo_csr_read(mstatus);
    struct measure start = measure_start();
    dojo_dma_start(chain);
    uint32_t status = dojo_dma_wait();
    check_slept(start, "dojo_dma_wait");
    check(dojo_dma_succeeded(status), "the chain completed");
    check_equal(dojo_dma_completed(), BLOCKS, "every descriptor retired");
    check(__builtin_memcmp(destination, source, sizeof source) == 0, "the copy is exact");
    check((dojo_dma_status() & DOJO_DMA_STATUS_IRQ_PENDING) == 0, "the interrupt is acknowledged");
    check_equal(dojo_csr_read(mie), mie_before, "mie is restored");
    check_equal(dojo_csr_read(mstatus), mstatus_before, "mstatus is restored");

    puts("dma_wait: a second chain after the first (no stale interrupt)");
    fill(1);
    start = measure_start();
    dojo_dma_start(chain);
    status = dojo_dma_wait();
    check_slept(start, "dojo_dma_wait again");
    check(dojo_dma_succeeded(status), "the chain completed");
    check(__builtin_memcmp(destination, source, sizeof source) == 0, "the copy is exact");

    puts("dma_wait: asleep on the notification counter");
    fill(2);
    struct dojo_dma_descriptor whole;
    dojo_dma_describe_1d(&whole, (uintptr_t)destination, (uintptr_t)source, sizeof source);
    dojo_dma_set_notify(&whole, (uintptr_t)DOJO_SYNC_BASE + DOJO_SYNC_ADD(NOTIFY_COUNTER), 1);
    dojo_sync_set(NOTIFY_COUNTER, 0);
    start = measure_start();
    dojo_dma_start(&whole);
    dojo_sync_wait(NOTIFY_COUNTER, 1);
    check_slept(start, "dojo_sync_wait");
    __asm__ volatile("fence i, r" ::: "memory");
    check(__builtin_memcmp(destination, source, sizeof source) == 0,
          "the data is there once the counter says so");
    /* The engine retires the descriptor once the notification write has returned: wait for
       that before the next start (which would be ignored while busy). */
    check(dojo_dma_succeeded(dojo_dma_poll()), "the engine then reports done");

    puts("dma_wait: an error wakes the core without FLAG_IRQ");
    struct dojo_dma_descriptor bad;
    dojo_dma_describe_1d(&bad, (uintptr_t)destination, UNMAPPED_ADDRESS, 64);
    dojo_dma_start(&bad);
    status = dojo_dma_wait();
    check_equal(dojo_dma_state(status), DOJO_DMA_STATE_ERROR, "the wait returned the error");
    check_equal(dojo_dma_cause(status), DOJO_DMA_CAUSE_SOURCE, "with its cause");

    puts("dma_wait: cycles and time");
    const uint64_t clock_hz = dojo_core_clock_hz();
    printf("  core clock %llu Hz\n", (unsigned long long)clock_hz);
    check(clock_hz > 0, "the core-info block names the clock");
    start = measure_start();
    dojo_timer_delay_us(100);
    const uint64_t elapsed_ns = dojo_cycles_to_ns(dojo_cycles() - start.cycles, clock_hz);
    printf("  a 100 us mtime delay took %llu ns of cycles\n", (unsigned long long)elapsed_ns);
    /* mtime ticks every 100 ns: the delay ends within one tick of 100 us. */
    check(elapsed_ns >= 99900 && elapsed_ns <= 100200, "mcycle and mtime agree on elapsed time");
    check_equal(dojo_cycles_to_ns(3, 2000000000), 1, "3 cycles at 2 GHz are 1 ns (rounded down)");
    check_equal(dojo_cycles_to_ns(3000000000000ULL, 3000000000ULL), 1000000000000ULL,
                "no overflow for large counts");
    check_equal(dojo_cycles_to_us(1500, 1500000000), 1, "1500 cycles at 1.5 GHz are 1 us");

    return check_verdict("dma_wait");
}
