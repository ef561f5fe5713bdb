/*
 * Machine timer interrupts: mtimecmp + MTIE + MIE, sleeping in wfi until the handler has
 * counted TIMER_INTERRUPTS interrupts, each re-arming the timer one interval later.
 */
#include "check.h"

#include <dojo/csr.h>
#include <dojo/timer.h>
#include <dojo/trap.h>

#define TIMER_INTERRUPTS 5
#define INTERVAL_TICKS (1000 * DOJO_TIMER_TICKS_PER_US) /* 1 ms */
/* Gives up (instead of hanging) if interrupts do not arrive within 100 times their period. */
#define GIVE_UP_TICKS (100 * TIMER_INTERRUPTS * INTERVAL_TICKS)

static volatile unsigned timer_interrupts;

static void timer_handler(struct dojo_trap_frame *frame)
{
    if (frame->mcause != (DOJO_MCAUSE_INTERRUPT | DOJO_IRQ_MACHINE_TIMER))
        dojo_trap_default_handler(frame); /* reports the unexpected cause and fails the run */
    timer_interrupts = timer_interrupts + 1;
    dojo_timer_set_compare(dojo_timer_now() + INTERVAL_TICKS);
}

int main(void)
{
    printf("timer_irq: waiting for %d timer interrupts, %d ticks apart\n", TIMER_INTERRUPTS,
           INTERVAL_TICKS);
    dojo_trap_set_handler(timer_handler);

    uint64_t start = dojo_timer_now();
    dojo_timer_set_compare(start + INTERVAL_TICKS);
    dojo_csr_set(mie, DOJO_MIE_MTIE);
    dojo_csr_set(mstatus, DOJO_MSTATUS_MIE);
    while (timer_interrupts < TIMER_INTERRUPTS && dojo_timer_now() - start < GIVE_UP_TICKS)
        dojo_wait_for_interrupt();
    dojo_csr_clear(mstatus, DOJO_MSTATUS_MIE);
    dojo_csr_clear(mie, DOJO_MIE_MTIE);
    dojo_timer_disarm();
    uint64_t elapsed = dojo_timer_now() - start;

    printf("  %u interrupts in %llu ticks\n", timer_interrupts, (unsigned long long)elapsed);
    check(timer_interrupts >= TIMER_INTERRUPTS,
          "all timer interrupts arrived (each with mcause 0x8000000000000007)");
    check(elapsed >= (uint64_t)TIMER_INTERRUPTS * INTERVAL_TICKS,
          "mtime advanced by at least the interrupts' intervals");
    dojo_trap_set_handler(NULL);
    return check_verdict("timer_irq");
}
