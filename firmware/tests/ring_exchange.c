/*
 * Scale benchmark of cores that compute and talk: the enabled cores form a ring in rank order.
 * In each of ROUNDS rounds every core advances its block (integer mixing, about 8,000
 * instructions), sends its BLOCK_WORDS words into the next rank's inbox with remote stores
 * through the global window, adds one to the next rank's arrival counter and sleeps until the
 * previous rank's block of this round has come; it checks that block against its own replay of
 * the previous rank's mixing (as much work again) and acknowledges it. Two inboxes, used in
 * turn, and the acknowledgements keep a sender from overwriting a block not yet read.
 *
 * scripts/scale-bench runs it on every core of a D1 chip with 1 and N host threads.
 */
#include "tile_check.h"

#include <dojo/sync.h>
#include <dojo/tile.h>

#define ROUNDS 100
#define BLOCK_WORDS 8
#define MIX_STEPS 250
#define COUNTER_ARRIVED 0 /* blocks the previous rank stored into this core's inboxes */
#define COUNTER_READ 1    /* blocks of this core's the next rank has read */

static volatile uint64_t inbox[2][BLOCK_WORDS];

/* Rank `rank`'s block word `word` after `round` rounds, from the one before. */
static uint64_t mix(uint64_t value, uint32_t rank, unsigned round)
{
    for (unsigned step = 0; step < MIX_STEPS; step++) {
        value ^= value >> 29;
        value = value * 0x9e3779b97f4a7c15ull + rank + round;
    }
    return value;
}

int main(void)
{
    dojo_barrier_all(); /* every core's .bss is clear before anyone stores into it */
    const uint32_t rank = dojo_my_rank(), cores = dojo_core_count();
    const uint32_t previous_rank = (rank + cores - 1) % cores;
    const uint32_t next = dojo_rank_hartid((rank + 1) % cores);
    const uint32_t previous = dojo_rank_hartid(previous_rank);
    uint64_t mine[BLOCK_WORDS], theirs[BLOCK_WORDS];
    for (unsigned i = 0; i < BLOCK_WORDS; i++) {
        mine[i] = rank * BLOCK_WORDS + i;
        theirs[i] = previous_rank * BLOCK_WORDS + i;
    }

    unsigned wrong = 0;
    for (unsigned round = 1; round <= ROUNDS; round++) {
        for (unsigned i = 0; i < BLOCK_WORDS; i++)
            mine[i] = mix(mine[i], rank, round);
        /* The inbox this round fills held round - 2's block: the next rank has read it. */
        if (round > 2)
            dojo_sync_wait(COUNTER_READ, (int64_t)round - 2);
        volatile uint64_t *remote = dojo_global_sram_ptr(next, inbox[round % 2]);
        for (unsigned i = 0; i < BLOCK_WORDS; i++)
            remote[i] = mine[i];
        dojo_sync_add_remote(next, COUNTER_ARRIVED, 1);

        for (unsigned i = 0; i < BLOCK_WORDS; i++)
            theirs[i] = mix(theirs[i], previous_rank, round);
        dojo_sync_wait(COUNTER_ARRIVED, (int64_t)round);
        for (unsigned i = 0; i < BLOCK_WORDS; i++)
            wrong += inbox[round % 2][i] != theirs[i];
        dojo_sync_add_remote(previous, COUNTER_READ, 1);
    }
    tile_check_equal(wrong, 0, "every block came from the previous rank as it mixed it");
    tile_check_equal(dojo_sync_value(COUNTER_ARRIVED), ROUNDS, "one block arrived per round");
    return tile_verdict("ring_exchange");
}
