/*
 * The core's cycle counter (mcycle) and its conversion to time.
 *
 *     uint64_t start = dojo_cycles();
 *     work();
 *     uint64_t ns = dojo_cycles_to_ns(dojo_cycles() - start, dojo_core_clock_hz());
 *
 * mcycle counts core clock cycles, asleep in WFI included, so it measures elapsed time, not
 * effort; dojo_instructions() (minstret) counts the instructions retired. The clock comes from
 * the core-info block, which QEMU does not have: there, pass the clock yourself.
 */
#ifndef DOJO_CYCLES_H
#define DOJO_CYCLES_H

#include <dojo/csr.h>
#include <dojo/tile.h>
#include <stdint.h>

static inline uint64_t dojo_cycles(void)
{
    return dojo_csr_read(mcycle);
}

static inline uint64_t dojo_instructions(void)
{
    return dojo_csr_read(minstret);
}

/* The core clock in Hz (core-info CORE_CLOCK_HZ, the platform's core.clock_hz). */
static inline uint64_t dojo_core_clock_hz(void)
{
    return dojo_core_info_read64(DOJO_CORE_INFO_CORE_CLOCK_HZ_OFFSET);
}

/* `cycles` of a `clock_hz` clock in `unit`ths of a second (1000000000 for ns), rounded down,
   without overflow for any clock up to 18 GHz. */
static inline uint64_t dojo_cycles_to_time(uint64_t cycles, uint64_t clock_hz, uint64_t unit)
{
    return cycles / clock_hz * unit + cycles % clock_hz * unit / clock_hz;
}

static inline uint64_t dojo_cycles_to_ns(uint64_t cycles, uint64_t clock_hz)
{
    return dojo_cycles_to_time(cycles, clock_hz, 1000000000);
}

static inline uint64_t dojo_cycles_to_us(uint64_t cycles, uint64_t clock_hz)
{
    return dojo_cycles_to_time(cycles, clock_hz, 1000000);
}

#endif
