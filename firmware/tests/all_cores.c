/*
 * Every core says hello with its coordinates and rank, and checks what the core-info block says
 * about it: its rank maps back to its mhartid, its coordinates lie inside the tile, and the rank
 * before it belongs to a core earlier in rank order (chip row, chip column, core row, core
 * column). One line per core: it runs on every core of a full tile.
 */
#include <dojo/tile.h>
#include <stdio.h>

/* The rank-order key of a core: chip row, chip column, core row, core column. */
static uint32_t rank_order_key(uint32_t hartid)
{
    return dojo_hartid_chip_y(hartid) << 15 | dojo_hartid_chip_x(hartid) << 10 |
           dojo_hartid_y(hartid) << 5 | dojo_hartid_x(hartid);
}

int main(void)
{
    const uint32_t hartid = dojo_my_hartid();
    const uint32_t rank = dojo_my_rank();
    const uint32_t count = dojo_core_count();
    printf("core %u,%u of chip %u,%u (hartid %u, rank %u of %u): hello\n", dojo_my_x(), dojo_my_y(),
           dojo_my_chip_x(), dojo_my_chip_y(), (unsigned)hartid, (unsigned)rank, (unsigned)count);

    const char *failure = NULL;
    if (rank >= count)
        failure = "rank is not below the core count";
    else if (dojo_rank_hartid(rank) != hartid)
        failure = "the rank table does not map this core's rank to its mhartid";
    else if (dojo_core_info_read32(DOJO_CORE_INFO_HARTID_OFFSET) != hartid)
        failure = "the core-info hartid register is not mhartid";
    else if (dojo_my_x() >= dojo_mesh_width() || dojo_my_y() >= dojo_mesh_height() ||
             dojo_my_chip_x() >= dojo_chips_x() || dojo_my_chip_y() >= dojo_chips_y())
        failure = "coordinates outside the tile";
    else if (rank > 0 && rank_order_key(dojo_rank_hartid(rank - 1)) >= rank_order_key(hartid))
        failure = "the previous rank is not earlier in rank order";
    if (failure) {
        printf("all_cores: FAIL on rank %u: %s\n", (unsigned)rank, failure);
        return 1;
    }
    return 0;
}
