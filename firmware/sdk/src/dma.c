/* Waiting asleep for the DMA engine (dojo/dma.h; the order of events is in docs/dma.md). */
#include <dojo/csr.h>
#include <dojo/dma.h>

uint32_t dojo_dma_wait(void)
{
    volatile uint32_t *control = dojo_dma_register32(DOJO_DMA_CONTROL_OFFSET);
    const uint32_t control_before = *control; /* START reads as 0: this write starts nothing */
    *control = DOJO_DMA_CONTROL_IRQ_ENABLE;
    const struct dojo_external_wait saved = dojo_external_wait_begin();

    /*
     * The pending bit is a level that stays set until acknowledged, so the end of the chain
     * cannot be missed between the STATUS read and the WFI: it keeps mip.MEIP set and the WFI
     * returns at once. A pending bit that is not the end (left over from an earlier chain, or a
     * FLAG_IRQ descriptor mid-chain) is acknowledged before STATUS is read again, so it cannot
     * keep the core spinning, and an end that comes after the acknowledgement sets it again.
     */
    uint32_t status;
    while (dojo_dma_state(status = dojo_dma_status()) == DOJO_DMA_STATE_BUSY) {
        if (status & DOJO_DMA_STATUS_IRQ_PENDING)
            dojo_dma_acknowledge_irq();
        else
            dojo_wait_for_interrupt();
    }
    if (status & DOJO_DMA_STATUS_IRQ_PENDING)
        dojo_dma_acknowledge_irq();

    dojo_external_wait_end(saved);
    *control = control_before & DOJO_DMA_CONTROL_IRQ_ENABLE;
    /* The engine's writes are visible before what follows reads them. */
    __asm__ volatile("fence i, r" ::: "memory");
    return status;
}
