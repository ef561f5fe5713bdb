/*
 * All-reduce over every core, then barriers.
 *
 * Reduce: a tree over ranks (fan-out 4, as the SDK's barrier): each core receives its children's
 * partial sums as messages, adds its own value (rank^2 + 1) and sends the result to its parent.
 * Broadcast: rank 0's total goes down the same tree by remote stores into each child's SRAM and
 * a remote add to the child's RESULT counter, on which the child waits. Every core checks the
 * total against the closed form.
 *
 * Barriers: all cores, a range of ranks (the upper half) and a list of ranks (last, first) each
 * run several rounds; in every round each member adds one to a counter of the group's first
 * member before the barrier, and that member checks after it that all arrivals are in. A second
 * barrier keeps the next round's adds out until the check is done.
 */
#include "tile_check.h"

#include <dojo/sync.h>
#include <dojo/tile.h>

#define FANOUT 4
#define BARRIER_ROUNDS 3

/* Program counters (0..DOJO_SYNC_FIRST_SDK_COUNTER-1 are the program's). */
#define COUNTER_RESULT 0      /* the broadcast total has been stored */
#define COUNTER_ARRIVALS 1    /* at a group's first member: members that reached the round */
#define COUNTER_RANGE_BARRIER 2
#define COUNTER_LIST_BARRIER 3

struct partial {
    uint64_t sum;
    uint64_t contributors;
};

static volatile uint64_t broadcast_total; /* stored by the parent */

static uint64_t value_of(uint32_t rank)
{
    return (uint64_t)rank * rank + 1;
}

static void all_reduce(uint32_t rank, uint32_t count)
{
    const uint64_t first_child = (uint64_t)rank * FANOUT + 1;
    uint32_t children = 0;
    while (children < FANOUT && first_child + children < count)
        children++;

    struct partial mine = {value_of(rank), 1};
    for (uint32_t i = 0; i < children; i++) {
        struct partial theirs;
        uint32_t from;
        tile_check_equal(dojo_receive(&theirs, sizeof theirs, &from), sizeof theirs,
                         "a child's partial sum");
        tile_check(from >= first_child && from < first_child + children,
                   "the partial sum comes from a child");
        mine.sum += theirs.sum;
        mine.contributors += theirs.contributors;
    }
    uint64_t total;
    if (rank == 0) {
        tile_check_equal(mine.contributors, count, "every core contributed once");
        total = mine.sum;
    } else {
        dojo_send((rank - 1) / FANOUT, &mine, sizeof mine);
        dojo_sync_wait(COUNTER_RESULT, 1);
        total = broadcast_total;
    }
    for (uint32_t i = 0; i < children; i++) {
        const uint32_t child = dojo_rank_hartid((uint32_t)first_child + i);
        *(volatile uint64_t *)dojo_global_sram_ptr(child, &broadcast_total) = total;
        dojo_sync_add_remote(child, COUNTER_RESULT, 1);
    }

    /* sum of rank^2 + 1 over 0..n-1 = (n-1) n (2n-1) / 6 + n */
    const uint64_t n = count;
    tile_check_equal(total, (n - 1) * n * (2 * n - 1) / 6 + n, "the all-reduced sum");
}

static void barrier(dojo_barrier_t *group)
{
    if (group)
        dojo_barrier_wait(group);
    else
        dojo_barrier_all();
}

/* Rounds of `group` (NULL: dojo_barrier_all) over `members` cores whose first is `first`. */
static void barrier_rounds(dojo_barrier_t *group, uint32_t first, uint32_t members,
                           const char *what)
{
    const uint32_t first_hartid = dojo_rank_hartid(first);
    for (unsigned round = 1; round <= BARRIER_ROUNDS; round++) {
        dojo_sync_add_remote(first_hartid, COUNTER_ARRIVALS, 1);
        barrier(group);
        if (dojo_my_rank() == first)
            tile_check_equal(dojo_sync_value(COUNTER_ARRIVALS), (uint64_t)round * members, what);
        barrier(group);
    }
}

int main(void)
{
    const uint32_t rank = dojo_my_rank();
    const uint32_t count = dojo_core_count();
    if (rank == 0)
        printf("all_reduce: %u cores\n", (unsigned)count);

    all_reduce(rank, count);

    /* COUNTER_ARRIVALS is shared by the groups below: the all-cores barrier keeps them apart. */
    barrier_rounds(NULL, 0, count, "all cores passed each all-cores barrier together");
    dojo_sync_set(COUNTER_ARRIVALS, 0);
    dojo_barrier_all();

    const uint32_t half = count / 2;
    dojo_barrier_t range;
    if (dojo_barrier_init_range(&range, half, count - half, COUNTER_RANGE_BARRIER) == 0)
        barrier_rounds(&range, half, count - half, "the upper half passed each barrier together");
    else
        tile_check(dojo_barrier_wait(&range) == -1, "a non-member's barrier wait returns -1");
    dojo_barrier_all();
    dojo_sync_set(COUNTER_ARRIVALS, 0);
    dojo_barrier_all();

    static const uint32_t one_core[] = {0};
    const uint32_t last_and_first[] = {count - 1, 0};
    const uint32_t *list = count > 1 ? last_and_first : one_core;
    const uint32_t list_length = count > 1 ? 2 : 1;
    dojo_barrier_t pair;
    if (dojo_barrier_init_list(&pair, list, list_length, COUNTER_LIST_BARRIER) == 0)
        barrier_rounds(&pair, list[0], list_length, "the listed cores passed each barrier together");

    return tile_verdict("all_reduce");
}
