/*
 * Synchronisation between cores: the sync unit's hardware semaphores, waiting without spinning,
 * barriers and messages.
 *
 * Every core has a sync unit (DOJO_SYNC_BASE, docs/models/sync-unit.md) with 64-bit counters.
 * Any core can add to any core's counter with one store (dojo_sync_add_remote), atomically, and a
 * core waits for its own counter with dojo_sync_wait, asleep in WFI until the counter reaches the
 * target. Everything else here is built from those two.
 *
 * Counters 0..DOJO_SYNC_FIRST_SDK_COUNTER-1 belong to the program (and to the DMA engine's
 * completion notifications, which name a counter); the SDK uses the ones above.
 */
#ifndef DOJO_SYNC_H
#define DOJO_SYNC_H

#include <dojo/csr.h>
#include <dojo/platform.h>
#include <dojo/sync_registers.h>
#include <dojo/tile.h>
#include <stdint.h>

/* Offsets from DOJO_SYNC_BASE of counter i's registers (<dojo/sync_registers.h> has them all). */
#define DOJO_SYNC_VALUE(i) (DOJO_SYNC_VALUE_OFFSET + DOJO_SYNC_VALUE_STRIDE * (i))
#define DOJO_SYNC_ADD(i) (DOJO_SYNC_ADD_OFFSET + DOJO_SYNC_ADD_STRIDE * (i))
#define DOJO_SYNC_THRESHOLD(i) (DOJO_SYNC_THRESHOLD_OFFSET + DOJO_SYNC_THRESHOLD_STRIDE * (i))
#define DOJO_SYNC_FETCH_INCREMENT(i) \
    (DOJO_SYNC_FETCH_INCREMENT_OFFSET + DOJO_SYNC_FETCH_INCREMENT_STRIDE * (i))

/* The sync unit drives the machine external interrupt (mip.MEIP, DOJO_MIE_MEIE in dojo/csr.h). */

/* Counters the SDK reserves (the platform has 16 by default). */
#define DOJO_SYNC_FIRST_SDK_COUNTER 12
#define DOJO_SYNC_COUNTER_MSG_CONSUMED 12 /* messages this core has received */
#define DOJO_SYNC_COUNTER_MSG_TICKET 13   /* slots senders have claimed in this core's mailbox */
#define DOJO_SYNC_COUNTER_MSG_ARRIVED 14  /* messages written into this core's mailbox */
#define DOJO_SYNC_COUNTER_BARRIER 15      /* dojo_barrier_all() */

/* ---- Counters ---- */

static inline volatile uint64_t *dojo_sync_register(uintptr_t offset)
{
    return (volatile uint64_t *)((uintptr_t)DOJO_SYNC_BASE + offset);
}

static inline volatile uint64_t *dojo_sync_remote_register(uint32_t hartid, uintptr_t offset)
{
    return (volatile uint64_t *)dojo_global_device_ptr(hartid, (uintptr_t)DOJO_SYNC_BASE + offset);
}

static inline uint64_t dojo_sync_value(unsigned counter)
{
    return *dojo_sync_register(DOJO_SYNC_VALUE(counter));
}

static inline void dojo_sync_set(unsigned counter, uint64_t value)
{
    *dojo_sync_register(DOJO_SYNC_VALUE(counter)) = value;
}

static inline void dojo_sync_add(unsigned counter, int64_t amount)
{
    *dojo_sync_register(DOJO_SYNC_ADD(counter)) = (uint64_t)amount;
}

/* Adds to core `hartid`'s counter: one store through the network, atomic at the target. Do not
   use AMO instructions on sync unit registers: they are a read and a write, not atomic. */
static inline void dojo_sync_add_remote(uint32_t hartid, unsigned counter, int64_t amount)
{
    *dojo_sync_remote_register(hartid, DOJO_SYNC_ADD(counter)) = (uint64_t)amount;
}

static inline uint64_t dojo_sync_value_remote(uint32_t hartid, unsigned counter)
{
    return *dojo_sync_remote_register(hartid, DOJO_SYNC_VALUE(counter));
}

/* Returns core `hartid`'s counter and increments it, atomically: a ticket no one else gets. */
static inline uint64_t dojo_sync_fetch_increment_remote(uint32_t hartid, unsigned counter)
{
    return *dojo_sync_remote_register(hartid, DOJO_SYNC_FETCH_INCREMENT(counter));
}

/*
 * Returns once this core's `counter` is >= `target` (signed). Sleeps in WFI on the sync unit's
 * interrupt: it sets the counter's threshold to `target`, enables the counter's interrupt and
 * mie.MEIE with mstatus.MIE off (no trap is taken), and puts all three back before returning.
 * The interrupt is a level, so an add that lands between the check and the WFI still wakes it.
 * Other enabled interrupts end the WFI early; the loop then checks again.
 */
void dojo_sync_wait(unsigned counter, int64_t target);

/* ---- Barriers ----
 *
 * A combining tree (fan-out DOJO_BARRIER_FANOUT) over the group's members: each member waits for
 * its children's arrivals, adds one to its parent's counter, and waits for its parent's release,
 * which it passes on to its children. All signals are remote adds to one counter per member, so
 * the barrier takes O(log n) network round trips and no core is hammered by more than
 * DOJO_BARRIER_FANOUT others. The counter counts arrivals in its low 32 bits and releases above,
 * and the barrier keeps running totals: it is reusable any number of times without resetting.
 *
 * Every member must initialise the same group with the same counter, and the counter must serve
 * no other purpose on any member (two groups that share a core need different counters).
 */
#define DOJO_BARRIER_FANOUT 4
#define DOJO_BARRIER_NOT_MEMBER UINT32_MAX

typedef struct {
    const uint32_t *ranks; /* the members' ranks (kept, not copied), or NULL for a range */
    uint32_t first_rank;   /* for a range: ranks first_rank..first_rank+count-1 */
    uint32_t count;        /* members */
    unsigned counter;      /* the sync unit counter the barrier signals with, on every member */
    uint32_t position;     /* this core's index in the group, or DOJO_BARRIER_NOT_MEMBER */
    uint64_t arrivals;     /* running totals this core expects on its counter */
    uint64_t releases;
} dojo_barrier_t;

/* Both return 0, or -1 if this core is not a member (dojo_barrier_wait then does nothing). */
int dojo_barrier_init_range(dojo_barrier_t *barrier, uint32_t first_rank, uint32_t count,
                            unsigned counter);
int dojo_barrier_init_list(dojo_barrier_t *barrier, const uint32_t *ranks, uint32_t count,
                           unsigned counter);

/* Returns once every member has called it (once more than before). -1 if not a member. */
int dojo_barrier_wait(dojo_barrier_t *barrier);

/* A barrier over all enabled cores, on DOJO_SYNC_COUNTER_BARRIER. */
void dojo_barrier_all(void);

/* ---- Messages ----
 *
 * Each core has a mailbox of DOJO_MSG_SLOTS slots in its SRAM (a section start-up code does not
 * clear, so a message may arrive before the receiver has started). A sender takes a ticket from
 * the receiver's DOJO_SYNC_COUNTER_MSG_TICKET, waits while the receiver still has
 * DOJO_MSG_SLOTS unread messages (flow control: nothing is overwritten), writes the message into
 * slot ticket % DOJO_MSG_SLOTS with remote stores and adds one to the receiver's
 * DOJO_SYNC_COUNTER_MSG_ARRIVED. The receiver takes messages in ticket order, asleep until the
 * next one is complete. Messages from one sender to one receiver arrive in the order sent.
 */
#define DOJO_MSG_MAX_BYTES 240
#define DOJO_MSG_SLOTS 8

/* Sends `length` bytes (at most DOJO_MSG_MAX_BYTES) to the core of rank `to_rank` (may be this
   core). Returns 0, or -1 for a bad length or rank. Blocks while the receiver's mailbox is full. */
int dojo_send(uint32_t to_rank, const void *data, uint32_t length);

/* Waits for the next message, copies at most `capacity` bytes of it into `buffer`, stores the
   sender's rank in *from_rank (unless NULL) and returns the message's length. */
uint32_t dojo_receive(void *buffer, uint32_t capacity, uint32_t *from_rank);

#endif
