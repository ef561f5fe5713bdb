/*
 * Rank 0 and the last rank bat a value back and forth ROUNDS times: each stores the next value
 * into the other's SRAM through the global window and adds one to the other's BALL counter,
 * then sleeps until its own counter says the ball is back. The other cores only join the
 * start-up barrier (after which every core's .bss is cleared and safe to store into) and exit.
 *
 * Rank 0 then times loads with mcycle (a load through the network stalls the core for the round
 * trip): its own SRAM directly, its own SRAM through the window, the nearest other rank (1) and
 * the farthest (the last), and prints the figures.
 */
#include "tile_check.h"

#include <dojo/csr.h>
#include <dojo/sync.h>
#include <dojo/tile.h>

#define ROUNDS 100
#define LOAD_SAMPLES 16
#define COUNTER_BALL 0 /* the ball has been stored into this core's `ball` */

static volatile uint64_t ball;
static volatile uint64_t probe = 0x5eed;

/* Rank 0 serves odd values, the last rank returns the next even one. */
static void play(uint32_t partner_hartid, int serving)
{
    volatile uint64_t *partner_ball = dojo_global_sram_ptr(partner_hartid, &ball);
    unsigned wrong = 0;
    for (uint64_t round = 1; round <= ROUNDS; round++) {
        if (serving) {
            *partner_ball = 2 * round - 1;
            dojo_sync_add_remote(partner_hartid, COUNTER_BALL, 1);
            dojo_sync_wait(COUNTER_BALL, (int64_t)round);
            wrong += ball != 2 * round;
        } else {
            dojo_sync_wait(COUNTER_BALL, (int64_t)round);
            wrong += ball != 2 * round - 1;
            *partner_ball = ball + 1;
            dojo_sync_add_remote(partner_hartid, COUNTER_BALL, 1);
        }
    }
    tile_check_equal(wrong, 0, "every ball came back with the expected value");
    tile_check_equal(dojo_sync_value(COUNTER_BALL), ROUNDS, "one ball counted per round");
}

/* Average cycles of one 64-bit load from `address`, and the value it read. */
static uint64_t load_cycles(volatile uint64_t *address, uint64_t *value)
{
    const uint64_t start = dojo_csr_read(mcycle);
    for (unsigned i = 0; i < LOAD_SAMPLES; i++)
        *value = *address;
    return (dojo_csr_read(mcycle) - start) / LOAD_SAMPLES;
}

static uint64_t timed_remote_load(const char *name, uint32_t rank)
{
    const uint32_t hartid = dojo_rank_hartid(rank);
    uint64_t value = 0;
    const uint64_t cycles = load_cycles(dojo_global_sram_ptr(hartid, &probe), &value);
    printf("  load from %s (rank %u, core %u,%u of chip %u,%u): %llu cycles\n", name,
           (unsigned)rank, dojo_hartid_x(hartid), dojo_hartid_y(hartid), dojo_hartid_chip_x(hartid),
           dojo_hartid_chip_y(hartid), (unsigned long long)cycles);
    check_equal(value, 0x5eed, "a remote load reads the other core's SRAM");
    return cycles;
}

int main(void)
{
    const uint32_t rank = dojo_my_rank();
    const uint32_t last = dojo_core_count() - 1;
    dojo_barrier_all();
    if (rank != 0 && rank != last)
        return 0;

    if (last == 0) {
        printf("remote_pingpong: one core, no partner to play with\n");
    } else {
        const uint64_t start = dojo_csr_read(mcycle);
        play(dojo_rank_hartid(rank == 0 ? last : 0), rank == 0);
        if (rank == 0)
            printf("remote_pingpong: %d rounds with rank %u, %llu cycles per round trip\n", ROUNDS,
                   (unsigned)last, (unsigned long long)(dojo_csr_read(mcycle) - start) / ROUNDS);
    }

    if (rank == 0) {
        uint64_t value = 0;
        const uint64_t local = load_cycles(&probe, &value);
        printf("  load from own SRAM: %llu cycles\n", (unsigned long long)local);
        timed_remote_load("own SRAM through the window", 0);
        if (last > 0) {
            const uint64_t near = timed_remote_load("the next rank", 1);
            const uint64_t far = timed_remote_load("the last rank", last);
            check(near > local, "a remote load takes longer than a local one");
            check(far >= near, "the farthest core takes at least as long as the nearest");
        }
    }
    return tile_verdict("remote_pingpong");
}
