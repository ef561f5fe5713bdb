/*
 * Where am I in the tile, and how do I reach the other cores.
 *
 * Coordinates come from mhartid (its fields DOJO_HARTID_*, <dojo/memory_map.h>). The tile's
 * dimensions, the enabled cores and their ranks come from the core-info block
 * (DOJO_CORE_INFO_BASE, docs/models/core-info.md). Ranks number the enabled cores 0..count-1 by
 * chip row, chip column, core row, core column; disabled cores have no rank, so enumerate cores
 * by rank, never by coordinates.
 *
 * The global window gives every core's SRAM and device block an address that any core can load,
 * store and add to (through the network, so each access takes a round trip). A core's own slot
 * aliases its local memory.
 */
#ifndef DOJO_TILE_H
#define DOJO_TILE_H

#include <dojo/core_info_registers.h>
#include <dojo/csr.h>
#include <dojo/platform.h>
#include <stdint.h>

/* The core-info registers are <dojo/core_info_registers.h> (DOJO_CORE_INFO_*_OFFSET). */


static inline uint32_t dojo_core_info_read32(uintptr_t offset)
{
    return *(volatile uint32_t *)((uintptr_t)DOJO_CORE_INFO_BASE + offset);
}

static inline uint64_t dojo_core_info_read64(uintptr_t offset)
{
    return *(volatile uint64_t *)((uintptr_t)DOJO_CORE_INFO_BASE + offset);
}

/* Coordinates of any core from its mhartid, and back. */
static inline unsigned dojo_hartid_x(uint32_t hartid)
{
    return (hartid >> DOJO_HARTID_X_SHIFT) & DOJO_HARTID_X_MASK;
}
static inline unsigned dojo_hartid_y(uint32_t hartid)
{
    return (hartid >> DOJO_HARTID_Y_SHIFT) & DOJO_HARTID_Y_MASK;
}
static inline unsigned dojo_hartid_chip_x(uint32_t hartid)
{
    return (hartid >> DOJO_HARTID_CHIP_X_SHIFT) & DOJO_HARTID_CHIP_X_MASK;
}
static inline unsigned dojo_hartid_chip_y(uint32_t hartid)
{
    return (hartid >> DOJO_HARTID_CHIP_Y_SHIFT) & DOJO_HARTID_CHIP_Y_MASK;
}
static inline uint32_t dojo_hartid_of(unsigned x, unsigned y, unsigned chip_x, unsigned chip_y)
{
    return (uint32_t)x << DOJO_HARTID_X_SHIFT | (uint32_t)y << DOJO_HARTID_Y_SHIFT |
           (uint32_t)chip_x << DOJO_HARTID_CHIP_X_SHIFT | (uint32_t)chip_y << DOJO_HARTID_CHIP_Y_SHIFT;
}

/* This core. */
static inline uint32_t dojo_my_hartid(void) { return (uint32_t)dojo_hart_id(); }
static inline unsigned dojo_my_x(void) { return dojo_hartid_x(dojo_my_hartid()); }
static inline unsigned dojo_my_y(void) { return dojo_hartid_y(dojo_my_hartid()); }
static inline unsigned dojo_my_chip_x(void) { return dojo_hartid_chip_x(dojo_my_hartid()); }
static inline unsigned dojo_my_chip_y(void) { return dojo_hartid_chip_y(dojo_my_hartid()); }
static inline uint32_t dojo_my_rank(void) { return dojo_core_info_read32(DOJO_CORE_INFO_RANK_OFFSET); }

/* The tile. */
static inline uint32_t dojo_mesh_width(void)
{
    return dojo_core_info_read32(DOJO_CORE_INFO_MESH_WIDTH_OFFSET);
}
static inline uint32_t dojo_mesh_height(void)
{
    return dojo_core_info_read32(DOJO_CORE_INFO_MESH_HEIGHT_OFFSET);
}
static inline uint32_t dojo_chips_x(void) { return dojo_core_info_read32(DOJO_CORE_INFO_CHIPS_X_OFFSET); }
static inline uint32_t dojo_chips_y(void) { return dojo_core_info_read32(DOJO_CORE_INFO_CHIPS_Y_OFFSET); }
/* Enabled cores: ranks are 0..dojo_core_count()-1. */
static inline uint32_t dojo_core_count(void)
{
    return dojo_core_info_read32(DOJO_CORE_INFO_CORE_COUNT_OFFSET);
}
/* The mhartid of an enabled core; `rank` must be below dojo_core_count(). */
static inline uint32_t dojo_rank_hartid(uint32_t rank)
{
    return dojo_core_info_read32(DOJO_CORE_INFO_RANK_TABLE_OFFSET +
                                  DOJO_CORE_INFO_RANK_TABLE_STRIDE * (uintptr_t)rank);
}
static inline uint64_t dojo_global_base(void)
{
    return dojo_core_info_read64(DOJO_CORE_INFO_GLOBAL_BASE_OFFSET);
}

/* The global address of core `hartid`'s slot in `space` (DOJO_GLOBAL_SPACE_*). */
static inline uint64_t dojo_global_slot(uint32_t hartid, unsigned space)
{
    return dojo_global_base() |
           (uint64_t)dojo_hartid_chip_y(hartid) << DOJO_GLOBAL_CHIP_Y_SHIFT |
           (uint64_t)dojo_hartid_chip_x(hartid) << DOJO_GLOBAL_CHIP_X_SHIFT |
           (uint64_t)dojo_hartid_y(hartid) << DOJO_GLOBAL_Y_SHIFT |
           (uint64_t)dojo_hartid_x(hartid) << DOJO_GLOBAL_X_SHIFT |
           (uint64_t)space << DOJO_GLOBAL_SPACE_SHIFT;
}

/*
 * The global address of `local`, an address in SRAM (e.g. &variable: every core runs the same
 * image, so a variable has the same address on every core), in core `hartid`'s SRAM.
 */
static inline uint64_t dojo_global_sram(uint32_t hartid, const volatile void *local)
{
    return dojo_global_slot(hartid, DOJO_GLOBAL_SPACE_SRAM) +
           ((uintptr_t)local - (uintptr_t)DOJO_SRAM_BASE);
}

/* The global address of a device register, given by its local address (e.g.
   DOJO_SYNC_BASE + offset), in core `hartid`'s device block. */
static inline uint64_t dojo_global_device(uint32_t hartid, uintptr_t local_register)
{
    return dojo_global_slot(hartid, DOJO_GLOBAL_SPACE_DEVICES) +
           (local_register - (uintptr_t)DOJO_DEVICE_BLOCK_BASE);
}

/* The same as pointers, to load and store through: *(volatile uint64_t *)p = value. */
static inline volatile void *dojo_global_sram_ptr(uint32_t hartid, const volatile void *local)
{
    return (volatile void *)(uintptr_t)dojo_global_sram(hartid, local);
}
static inline volatile void *dojo_global_device_ptr(uint32_t hartid, uintptr_t local_register)
{
    return (volatile void *)(uintptr_t)dojo_global_device(hartid, local_register);
}

#endif
