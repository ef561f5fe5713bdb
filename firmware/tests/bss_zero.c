/*
 * A program with a large .bss (384 KiB) that checks it starts zero on every core, and reports
 * the instructions start-up code took (minstret at main). Under dojo-vp the loader has zeroed
 * .bss and start-up skips clearing it (a few dozen instructions); on QEMU start-up clears it
 * (about 4 instructions per 8 bytes). Core 0 prints; any core prints a failure.
 */
#include <dojo/csr.h>
#include <stdint.h>
#include <stdio.h>

#define BSS_WORDS (384 * 1024 / 8)

static uint64_t large[BSS_WORDS];
static uint32_t small_counter;

int main(void)
{
    const uint64_t startup_instructions = dojo_csr_read(minstret);
    const uint64_t hartid = dojo_hart_id();
    uint64_t nonzero = small_counter != 0;
    for (unsigned i = 0; i < BSS_WORDS; ++i)
        nonzero += ((volatile uint64_t *)large)[i] != 0;
    if (hartid == 0)
        printf("bss_zero: %u KiB of .bss, start-up took %llu instructions\n",
               (unsigned)(sizeof large / 1024), (unsigned long long)startup_instructions);
    if (nonzero != 0) {
        printf("bss_zero: FAIL on core 0x%llx: %llu non-zero words\n", (unsigned long long)hartid,
               (unsigned long long)nonzero);
        return 1;
    }
    if (hartid == 0)
        puts("bss_zero: PASS");
    return 0;
}
