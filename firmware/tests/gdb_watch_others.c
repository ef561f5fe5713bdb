/*
 * The GDB server's target for watchpoints on writes the watched core does not make itself
 * (tests/platform/test_gdb.cpp), on at least two cores: rank 0 stores into rank 1's
 * `gdb_mailbox` through the global window; then rank 1's DMA engine copies a block into rank 1's
 * own `gdb_landing`. Neither variable is ever stored to by the core it belongs to. Every core
 * exits 7 when its part came out right.
 */
#include <dojo/dma.h>
#include <dojo/sync.h>
#include <dojo/tile.h>

#define COUNTER_MAILBOX 0 /* rank 1's: the mailbox has been written */
#define WORDS 8
#define MAILBOX_VALUE 42

volatile uint64_t gdb_mailbox;
volatile uint64_t gdb_landing[WORDS];
static uint64_t source[WORDS];
static struct dojo_dma_descriptor copy;

int main(void)
{
    const uint32_t rank = dojo_my_rank();
    dojo_barrier_all();
    if (rank == 0) {
        const uint32_t peer = dojo_rank_hartid(1);
        *(volatile uint64_t *)dojo_global_sram_ptr(peer, &gdb_mailbox) = MAILBOX_VALUE;
        dojo_sync_add_remote(peer, COUNTER_MAILBOX, 1);
        return 7;
    }
    if (rank != 1)
        return 7;

    dojo_sync_wait(COUNTER_MAILBOX, 1);
    for (unsigned i = 0; i < WORDS; i++)
        source[i] = 100 + i;
    dojo_dma_describe_1d(&copy, (uintptr_t)gdb_landing, (uintptr_t)source, sizeof source);
    dojo_dma_set_irq(&copy);
    dojo_dma_start(&copy);
    const uint32_t status = dojo_dma_wait();
    unsigned wrong = 0;
    for (unsigned i = 0; i < WORDS; i++)
        wrong += gdb_landing[i] != 100 + i;
    return gdb_mailbox == MAILBOX_VALUE && dojo_dma_succeeded(status) && wrong == 0 ? 7 : 1;
}
