/* The exit device's finisher: 0 passes, anything else fails with its low 16 bits. */
#include "exit_device.h"

#include <dojo/csr.h>
#include <dojo/platform.h>

#include <stdint.h>

void dojo_exit_device(int status)
{
    /* The device takes a 16-bit status; 0 has its own pass value. */
    uint32_t command = status == 0
                           ? DOJO_EXIT_REQUEST_PASS
                           : ((uint32_t)status & DOJO_EXIT_FINISHER_CODE_MASK)
                                     << DOJO_EXIT_FINISHER_CODE_SHIFT |
                                 DOJO_EXIT_REQUEST_FAIL;
    *(volatile uint32_t *)((uintptr_t)DOJO_EXIT_DEVICE_BASE + DOJO_EXIT_FINISHER_OFFSET) = command;
    for (;;) /* only reached on a platform without an exit device */
        dojo_wait_for_interrupt();
}
