/*
 * Machine-mode traps (exceptions and interrupts) and running code in user mode.
 *
 * crt0 points mtvec at the SDK's trap entry, which saves every register into a
 * struct dojo_trap_frame on the machine stack and calls the installed C handler (or
 * dojo_trap_default_handler). When the handler returns, the registers, mepc and mstatus
 * are restored from the frame and the trap returns with mret, so a handler resumes the
 * program by editing the frame (e.g. dojo_trap_skip_instruction).
 */
#ifndef DOJO_TRAP_H
#define DOJO_TRAP_H

/* Exit status of a program stopped by the default trap handler. */
#define DOJO_EXIT_UNHANDLED_TRAP 100

/* mcause: bit 63 marks interrupts, the low bits are the exception or interrupt code. */
#define DOJO_MCAUSE_INTERRUPT (1ULL << 63)

/* Exception codes (mcause without the interrupt bit). */
#define DOJO_EXC_INSTRUCTION_MISALIGNED 0
#define DOJO_EXC_INSTRUCTION_ACCESS_FAULT 1
#define DOJO_EXC_ILLEGAL_INSTRUCTION 2
#define DOJO_EXC_BREAKPOINT 3
#define DOJO_EXC_LOAD_MISALIGNED 4
#define DOJO_EXC_LOAD_ACCESS_FAULT 5
#define DOJO_EXC_STORE_MISALIGNED 6
#define DOJO_EXC_STORE_ACCESS_FAULT 7
#define DOJO_EXC_ECALL_FROM_U 8
#define DOJO_EXC_ECALL_FROM_M 11

/* Interrupt codes (mcause with the interrupt bit). */
#define DOJO_IRQ_MACHINE_SOFTWARE 3
#define DOJO_IRQ_MACHINE_TIMER 7
#define DOJO_IRQ_MACHINE_EXTERNAL 11

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The interrupted context. x[2] is the interrupted sp; x[0] is unused. */
struct dojo_trap_frame {
    uint64_t x[32];
    uint64_t mepc;
    uint64_t mcause;
    uint64_t mtval;
    uint64_t mstatus;
};

typedef void (*dojo_trap_handler)(struct dojo_trap_frame *frame);

/* Routes every later trap to `handler`; NULL restores dojo_trap_default_handler. */
void dojo_trap_set_handler(dojo_trap_handler handler);

/* Prints cause, mepc and mtval on the console and exits with DOJO_EXIT_UNHANDLED_TRAP. */
void dojo_trap_default_handler(struct dojo_trap_frame *frame) __attribute__((noreturn));

/* A readable name for an mcause value ("illegal instruction", "machine timer interrupt"...). */
const char *dojo_trap_cause_name(uint64_t mcause);

static inline int dojo_trap_is_interrupt(uint64_t mcause)
{
    return (mcause & DOJO_MCAUSE_INTERRUPT) != 0;
}

/* Privilege the trap came from (DOJO_PRIV_USER or DOJO_PRIV_MACHINE). */
unsigned dojo_trap_previous_privilege(const struct dojo_trap_frame *frame);

/* Resumes after the trapping instruction (2 or 4 bytes long) instead of re-executing it. */
void dojo_trap_skip_instruction(struct dojo_trap_frame *frame);

/*
 * Calls function(argument) in user mode on the given stack (top address, 16-byte aligned)
 * and returns its result in machine mode once it returns. Traps taken in user mode go to
 * the installed handler, which runs on the machine stack; mstatus is restored on return.
 */
long dojo_call_user(long (*function)(long), long argument, void *user_stack_top);

#endif /* __ASSEMBLER__ */
#endif
