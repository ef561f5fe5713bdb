/* C side of trap handling: handler dispatch, the default handler and trap-frame helpers. */
#include <dojo/console.h>
#include <dojo/csr.h>
#include <dojo/trap.h>
#include "exit_device.h"

#include <stddef.h>

/* trap_entry.S addresses the frame by these offsets. */
_Static_assert(offsetof(struct dojo_trap_frame, mepc) == 32 * 8, "frame layout");
_Static_assert(offsetof(struct dojo_trap_frame, mcause) == 33 * 8, "frame layout");
_Static_assert(offsetof(struct dojo_trap_frame, mtval) == 34 * 8, "frame layout");
_Static_assert(offsetof(struct dojo_trap_frame, mstatus) == 35 * 8, "frame layout");
_Static_assert(sizeof(struct dojo_trap_frame) == 36 * 8, "frame layout");

static dojo_trap_handler installed_handler;

void dojo_trap_dispatch(struct dojo_trap_frame *frame);

void dojo_trap_dispatch(struct dojo_trap_frame *frame)
{
    if (installed_handler)
        installed_handler(frame);
    else
        dojo_trap_default_handler(frame);
}

void dojo_trap_set_handler(dojo_trap_handler handler)
{
    installed_handler = handler;
}

const char *dojo_trap_cause_name(uint64_t mcause)
{
    static const char *const exception_names[] = {
        [DOJO_EXC_INSTRUCTION_MISALIGNED] = "instruction address misaligned",
        [DOJO_EXC_INSTRUCTION_ACCESS_FAULT] = "instruction access fault",
        [DOJO_EXC_ILLEGAL_INSTRUCTION] = "illegal instruction",
        [DOJO_EXC_BREAKPOINT] = "breakpoint",
        [DOJO_EXC_LOAD_MISALIGNED] = "load address misaligned",
        [DOJO_EXC_LOAD_ACCESS_FAULT] = "load access fault",
        [DOJO_EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
        [DOJO_EXC_STORE_ACCESS_FAULT] = "store/AMO access fault",
        [DOJO_EXC_ECALL_FROM_U] = "environment call from U-mode",
        [DOJO_EXC_ECALL_FROM_M] = "environment call from M-mode",
    };
    uint64_t code = mcause & ~DOJO_MCAUSE_INTERRUPT;
    if (dojo_trap_is_interrupt(mcause)) {
        switch (code) {
        case DOJO_IRQ_MACHINE_SOFTWARE: return "machine software interrupt";
        case DOJO_IRQ_MACHINE_TIMER: return "machine timer interrupt";
        case DOJO_IRQ_MACHINE_EXTERNAL: return "machine external interrupt";
        default: return "unknown interrupt";
        }
    }
    if (code < sizeof exception_names / sizeof exception_names[0] && exception_names[code])
        return exception_names[code];
    return "unknown exception";
}

static void print_field(const char *label, uint64_t value)
{
    dojo_console_puts(label);
    dojo_console_put_hex(value);
}

void dojo_trap_default_handler(struct dojo_trap_frame *frame)
{
    /* A fault inside this handler (e.g. a broken stack) must not recurse forever. */
    static int reporting;
    if (reporting)
        dojo_exit_device(DOJO_EXIT_UNHANDLED_TRAP);
    reporting = 1;

    dojo_console_puts("\n*** dojo: unhandled trap: ");
    dojo_console_puts(dojo_trap_cause_name(frame->mcause));
    print_field("\n*** mcause=", frame->mcause);
    print_field(" mepc=", frame->mepc);
    print_field(" mtval=", frame->mtval);
    dojo_console_puts("\n");
    dojo_exit_device(DOJO_EXIT_UNHANDLED_TRAP);
}

unsigned dojo_trap_previous_privilege(const struct dojo_trap_frame *frame)
{
    return (frame->mstatus & DOJO_MSTATUS_MPP) >> DOJO_MSTATUS_MPP_SHIFT;
}

void dojo_trap_skip_instruction(struct dojo_trap_frame *frame)
{
    /* Instructions whose two low bits are 11 are 4 bytes long, the others compressed (2). */
    uint16_t low_half = *(const volatile uint16_t *)frame->mepc;
    frame->mepc += (low_half & 3) == 3 ? 4 : 2;
}
