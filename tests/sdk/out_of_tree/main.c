/* Uses the installed SDK's headers and runtime (stdio, DMA, cycles) and exits with 7, so that the
   test sees the status travel from exit() through the installed dojo-vp. */
#include <dojo/cycles.h>
#include <dojo/dma.h>
#include <stdio.h>
#include <string.h>

static char source[4096] = "out of tree";
static char destination[4096];

int main(void)
{
    struct dojo_dma_descriptor d;
    dojo_dma_describe_1d(&d, (uintptr_t)destination, (uintptr_t)source, sizeof source);
    dojo_dma_set_irq(&d);
    const uint64_t start = dojo_cycles();
    dojo_dma_start(&d);
    const int copied = dojo_dma_succeeded(dojo_dma_wait()) && strcmp(destination, source) == 0;
    printf("app: DMA copy %s in %llu ns\n", copied ? "ok" : "FAILED",
           (unsigned long long)dojo_cycles_to_ns(dojo_cycles() - start, dojo_core_clock_hz()));
    return copied ? 7 : 1;
}
