/*
 * A token travels LAPS times around all cores in rank order, as messages (dojo_send /
 * dojo_receive: remote stores into the next core's mailbox and a remote add to its sync unit,
 * the receiver asleep in WFI until it arrives). Each core adds its rank and counts the hop; rank 0
 * starts every lap and checks the token when it comes back. With one core the token goes round
 * through rank 0's own mailbox.
 */
#include "tile_check.h"

#include <dojo/sync.h>
#include <dojo/tile.h>

#define LAPS 3

struct token {
    uint64_t sum;  /* the ranks added so far */
    uint32_t hops; /* cores the token has passed */
    uint32_t lap;
};

int main(void)
{
    const uint32_t rank = dojo_my_rank();
    const uint32_t count = dojo_core_count();
    const uint32_t next = rank + 1 == count ? 0 : rank + 1;
    const uint32_t previous = rank == 0 ? count - 1 : rank - 1;
    if (rank == 0)
        printf("token_ring: %d laps around %u cores\n", LAPS, (unsigned)count);

    struct token token = {0, 0, 0};
    for (uint32_t lap = 0; lap < LAPS; lap++) {
        if (rank == 0) {
            token.lap = lap;
            tile_check(dojo_send(next, &token, sizeof token) == 0, "send the token");
        }
        uint32_t from = UINT32_MAX;
        uint32_t length = dojo_receive(&token, sizeof token, &from);
        tile_check_equal(length, sizeof token, "the token's length");
        tile_check_equal(from, previous, "the token comes from the previous rank");
        tile_check_equal(token.lap, lap, "the token is on this lap");
        token.sum += rank;
        token.hops++;
        if (rank != 0)
            tile_check(dojo_send(next, &token, sizeof token) == 0, "pass the token on");
    }

    if (rank == 0) {
        const uint64_t ranks_sum = (uint64_t)count * (count - 1) / 2;
        printf("  token: sum %llu after %u hops\n", (unsigned long long)token.sum,
               (unsigned)token.hops);
        check_equal(token.sum, LAPS * ranks_sum, "the token holds every rank LAPS times");
        check_equal(token.hops, (uint64_t)LAPS * count, "the token passed every core every lap");
        check(dojo_send(count, &token, sizeof token) == -1, "a send to a rank past the end fails");
        check(dojo_send(0, &token, DOJO_MSG_MAX_BYTES + 1) == -1, "an oversized send fails");
    }
    return tile_verdict("token_ring");
}
