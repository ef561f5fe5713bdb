/* The CLINT timer: mtime counts at DOJO_TIMEBASE_HZ; while mtime >= mtimecmp the timer interrupt
   is pending. */
#ifndef DOJO_TIMER_H
#define DOJO_TIMER_H

#include <dojo/platform.h>
#include <stdint.h>

#define DOJO_TIMER_TICKS_PER_US (DOJO_TIMEBASE_HZ / 1000000)

static inline volatile uint64_t *dojo_clint_register64(uintptr_t offset)
{
    return (volatile uint64_t *)((uintptr_t)DOJO_CLINT_BASE + offset);
}

static inline uint64_t dojo_timer_now(void)
{
    return *dojo_clint_register64(DOJO_CLINT_MTIME_OFFSET);
}

/* The timer interrupt is pending while mtime >= `deadline`. */
static inline void dojo_timer_set_compare(uint64_t deadline)
{
    *dojo_clint_register64(DOJO_CLINT_MTIMECMP_OFFSET) = deadline;
}

/* A compare value mtime never reaches: no timer interrupt pending. */
static inline void dojo_timer_disarm(void)
{
    dojo_timer_set_compare(UINT64_MAX);
}

/* Busy-waits on mtime (no interrupts needed). */
static inline void dojo_timer_delay_us(uint64_t microseconds)
{
    uint64_t deadline = dojo_timer_now() + microseconds * DOJO_TIMER_TICKS_PER_US;
    while (dojo_timer_now() < deadline) {
    }
}

#endif
