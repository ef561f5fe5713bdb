/*
 * The vector unit's stochastic-rounding random numbers, declared once in plain C: the reference
 * model uses them (numerics.h) and firmware too (the SDK installs this file as
 * <dojo/lane_random.h>, which <dojo/vec.h> includes), so both compute the same roundings.
 */
#ifndef DOJO_LANE_RANDOM_H
#define DOJO_LANE_RANDOM_H

#include <stdint.h>

/* A 32-bit finaliser (MurmurHash3's): every input bit reaches every output bit. */
static inline uint32_t dojo_mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return x;
}

/* r(lane) = mix32(lo32(vseed) + lane * 0x9E3779B9), 32-bit wrapping: the lane's number. */
static inline uint32_t dojo_lane_random(uint64_t vseed, unsigned lane)
{
    return dojo_mix32((uint32_t)vseed + (uint32_t)lane * 0x9E3779B9u);
}

#endif
