/* Waiting on sync unit counters, barriers and messages (dojo/sync.h). */
#include <dojo/csr.h>
#include <dojo/sync.h>
#include <dojo/tile.h>

#include <stddef.h>
#include <string.h>

void dojo_sync_wait(unsigned counter, int64_t target)
{
    if ((int64_t)dojo_sync_value(counter) >= target)
        return;
    const uint64_t counter_bit = 1ULL << counter;
    *dojo_sync_register(DOJO_SYNC_THRESHOLD(counter)) = (uint64_t)target;

    const struct dojo_external_wait saved = dojo_external_wait_begin();
    volatile uint64_t *enable = dojo_sync_register(DOJO_SYNC_IRQ_ENABLE_OFFSET);
    const uint64_t enabled_before = *enable;
    *enable = enabled_before | counter_bit;

    while ((int64_t)dojo_sync_value(counter) < target)
        dojo_wait_for_interrupt();

    *enable = enabled_before;
    dojo_external_wait_end(saved);
}

/* ---- Barriers ---- */

#define RELEASE_UNIT (1ULL << 32) /* releases count above the arrivals' 32 bits */

static void barrier_init(dojo_barrier_t *barrier, const uint32_t *ranks, uint32_t first_rank,
                         uint32_t count, unsigned counter, uint32_t position)
{
    barrier->ranks = ranks;
    barrier->first_rank = first_rank;
    barrier->count = count;
    barrier->counter = counter;
    barrier->position = position;
    barrier->arrivals = 0;
    barrier->releases = 0;
}

int dojo_barrier_init_range(dojo_barrier_t *barrier, uint32_t first_rank, uint32_t count,
                            unsigned counter)
{
    const uint32_t rank = dojo_my_rank();
    const int member = rank >= first_rank && rank - first_rank < count;
    barrier_init(barrier, NULL, first_rank, count, counter,
                 member ? rank - first_rank : DOJO_BARRIER_NOT_MEMBER);
    return member ? 0 : -1;
}

int dojo_barrier_init_list(dojo_barrier_t *barrier, const uint32_t *ranks, uint32_t count,
                           unsigned counter)
{
    const uint32_t rank = dojo_my_rank();
    uint32_t position = 0;
    while (position < count && ranks[position] != rank)
        position++;
    const int member = position < count;
    barrier_init(barrier, ranks, 0, count, counter, member ? position : DOJO_BARRIER_NOT_MEMBER);
    return member ? 0 : -1;
}

static uint32_t member_hartid(const dojo_barrier_t *barrier, uint32_t position)
{
    return dojo_rank_hartid(barrier->ranks ? barrier->ranks[position]
                                           : barrier->first_rank + position);
}

/*
 * Why one counter and running totals suffice: a child arrives for the next round only after this
 * core has released it, which is after this core's own release; and the parent releases this
 * core only after this core has arrived. So while this core waits for arrivals, the release part
 * of its counter is exactly `releases`, and while it waits for its release, the arrival part is
 * exactly `arrivals`.
 */
int dojo_barrier_wait(dojo_barrier_t *barrier)
{
    const uint32_t position = barrier->position;
    if (position == DOJO_BARRIER_NOT_MEMBER)
        return -1;
    const uint64_t first_child = (uint64_t)position * DOJO_BARRIER_FANOUT + 1;
    uint32_t children = 0;
    if (first_child < barrier->count)
        children = barrier->count - first_child < DOJO_BARRIER_FANOUT
                       ? (uint32_t)(barrier->count - first_child)
                       : DOJO_BARRIER_FANOUT;

    barrier->arrivals += children;
    dojo_sync_wait(barrier->counter, (int64_t)(barrier->releases * RELEASE_UNIT + barrier->arrivals));
    if (position != 0) {
        const uint32_t parent = (position - 1) / DOJO_BARRIER_FANOUT;
        dojo_sync_add_remote(member_hartid(barrier, parent), barrier->counter, 1);
        barrier->releases++;
        dojo_sync_wait(barrier->counter,
                       (int64_t)(barrier->releases * RELEASE_UNIT + barrier->arrivals));
    }
    for (uint32_t child = 0; child < children; child++)
        dojo_sync_add_remote(member_hartid(barrier, (uint32_t)first_child + child),
                             barrier->counter, (int64_t)RELEASE_UNIT);
    return 0;
}

void dojo_barrier_all(void)
{
    static dojo_barrier_t all;
    static int initialised;
    if (!initialised) {
        dojo_barrier_init_range(&all, 0, dojo_core_count(), DOJO_SYNC_COUNTER_BARRIER);
        initialised = 1;
    }
    dojo_barrier_wait(&all);
}

/* ---- Messages ---- */

#define MSG_WORDS (DOJO_MSG_MAX_BYTES / 8)
_Static_assert(DOJO_MSG_MAX_BYTES % 8 == 0, "messages are copied in 64-bit words");

struct mailbox_slot {
    uint64_t sequence; /* ticket + 1 once the message is complete (written last) */
    uint32_t from_rank;
    uint32_t length;
    uint64_t data[MSG_WORDS];
};

/* Not cleared at start-up: senders may write here before this core has started. SRAM starts
   zeroed, and sequence 0 matches no ticket. */
static volatile struct mailbox_slot mailbox[DOJO_MSG_SLOTS]
    __attribute__((section(".noinit.dojo_mailbox")));

int dojo_send(uint32_t to_rank, const void *data, uint32_t length)
{
    if (length > DOJO_MSG_MAX_BYTES || to_rank >= dojo_core_count())
        return -1;
    uint64_t words[MSG_WORDS];
    memcpy(words, data, length);

    const uint32_t hartid = dojo_rank_hartid(to_rank);
    const uint64_t ticket = dojo_sync_fetch_increment_remote(hartid, DOJO_SYNC_COUNTER_MSG_TICKET);
    /* The slot is free once the receiver has taken the message DOJO_MSG_SLOTS tickets back. A
       full mailbox is rare: polling (one round trip each) keeps the receiver's side simple. */
    while (dojo_sync_value_remote(hartid, DOJO_SYNC_COUNTER_MSG_CONSUMED) + DOJO_MSG_SLOTS <= ticket) {
    }

    volatile struct mailbox_slot *slot =
        dojo_global_sram_ptr(hartid, &mailbox[ticket % DOJO_MSG_SLOTS]);
    for (uint32_t i = 0; i < (length + 7) / 8; i++)
        slot->data[i] = words[i];
    slot->from_rank = dojo_my_rank();
    slot->length = length;
    slot->sequence = ticket + 1;
    dojo_sync_add_remote(hartid, DOJO_SYNC_COUNTER_MSG_ARRIVED, 1);
    return 0;
}

/*
 * Slots complete out of ticket order when senders race, so an arrival does not mean the next
 * slot is ready: wait for one more arrival each time it is not. Arrivals of tickets below
 * `consumed` have all happened, so the counter passes every target this loop sets before the
 * slot it wants is complete.
 */
uint32_t dojo_receive(void *buffer, uint32_t capacity, uint32_t *from_rank)
{
    const uint64_t consumed = dojo_sync_value(DOJO_SYNC_COUNTER_MSG_CONSUMED);
    volatile struct mailbox_slot *slot = &mailbox[consumed % DOJO_MSG_SLOTS];
    int64_t arrivals = (int64_t)consumed + 1;
    while (slot->sequence != consumed + 1)
        dojo_sync_wait(DOJO_SYNC_COUNTER_MSG_ARRIVED, arrivals++);

    const uint32_t length = slot->length;
    uint64_t words[MSG_WORDS];
    for (uint32_t i = 0; i < (length + 7) / 8; i++)
        words[i] = slot->data[i];
    memcpy(buffer, words, length < capacity ? length : capacity);
    if (from_rank)
        *from_rank = slot->from_rank;
    dojo_sync_add(DOJO_SYNC_COUNTER_MSG_CONSUMED, 1);
    return length;
}
