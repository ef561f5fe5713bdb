/*
 * Exceptions: illegal instructions (4- and 2-byte), ecall, ebreak (4- and 2-byte), load access
 * fault, and a misaligned load that must NOT trap. Then user mode: ecall from U and a machine
 * CSR read from U. Each trap is recorded by the handler, which resumes after the instruction.
 */
#include "check.h"

#include <dojo/csr.h>
#include <dojo/trap.h>

/* Nothing answers here, on the D1 tile nor on QEMU virt (where 0x4000_0000 is PCIe space). */
#define UNMAPPED_ADDRESS 0x08000000
#define RESERVED_OPCODE_INSTRUCTION 0x0000006b /* major opcode 1101011 is reserved */
#define MAX_RECORDED_TRAPS 4

struct trap_record {
    uint64_t mcause;
    uint64_t mepc;
    uint64_t mtval;
    unsigned privilege;
};

/* Written by the trap handler, read by the checks. */
static volatile unsigned trap_count;
static struct trap_record traps[MAX_RECORDED_TRAPS];

static void recording_handler(struct dojo_trap_frame *frame)
{
    if (dojo_trap_is_interrupt(frame->mcause) || trap_count >= MAX_RECORDED_TRAPS)
        dojo_trap_default_handler(frame);
    traps[trap_count] = (struct trap_record){frame->mcause, frame->mepc, frame->mtval,
                                             dojo_trap_previous_privilege(frame)};
    trap_count = trap_count + 1;
    dojo_trap_skip_instruction(frame);
}

static void forget_traps(void)
{
    trap_count = 0;
}

/* Checks that exactly one trap was taken, with these values. */
static void check_single_trap(const char *name, uint64_t mcause, uint64_t mepc, unsigned privilege)
{
    char what[96];
    snprintf(what, sizeof what, "%s: exactly one trap", name);
    check_equal(trap_count, 1, what);
    if (trap_count != 1)
        return;
    snprintf(what, sizeof what, "%s: mcause", name);
    check_equal(traps[0].mcause, mcause, what);
    snprintf(what, sizeof what, "%s: mepc is the instruction", name);
    check_equal(traps[0].mepc, mepc, what);
    snprintf(what, sizeof what, "%s: taken from the expected privilege", name);
    check_equal(traps[0].privilege, privilege, what);
}

/* mtval may hold the faulting value or 0 (the privileged spec allows either). */
static void check_mtval_is_zero_or(const char *name, uint64_t value)
{
    char what[96];
    snprintf(what, sizeof what, "%s: mtval is 0x%llx or 0 (got 0x%llx)", name,
             (unsigned long long)value, (unsigned long long)traps[0].mtval);
    check(trap_count == 1 && (traps[0].mtval == value || traps[0].mtval == 0), what);
}

static void test_illegal_instructions(void)
{
    uint64_t pc;
    forget_traps();
    __asm__ volatile("la %0, 1f\n1: .4byte %1"
                     : "=r"(pc)
                     : "i"(RESERVED_OPCODE_INSTRUCTION)
                     : "memory");
    check_single_trap("illegal 32-bit instruction", DOJO_EXC_ILLEGAL_INSTRUCTION, pc,
                      DOJO_PRIV_MACHINE);
    check_mtval_is_zero_or("illegal 32-bit instruction", RESERVED_OPCODE_INSTRUCTION);

    forget_traps();
    __asm__ volatile("la %0, 1f\n1: .2byte 0" : "=r"(pc)::"memory"); /* all-zero: illegal */
    check_single_trap("illegal 16-bit instruction", DOJO_EXC_ILLEGAL_INSTRUCTION, pc,
                      DOJO_PRIV_MACHINE);
    check_equal(traps[0].mtval, 0, "illegal 16-bit instruction: mtval");
}

static void test_ecall_and_ebreak(void)
{
    uint64_t pc;
    forget_traps();
    __asm__ volatile("la %0, 1f\n1: ecall" : "=r"(pc)::"memory");
    check_single_trap("ecall from M", DOJO_EXC_ECALL_FROM_M, pc, DOJO_PRIV_MACHINE);
    check_equal(traps[0].mtval, 0, "ecall from M: mtval");

    forget_traps();
    __asm__ volatile(".option push\n.option norvc\nla %0, 1f\n1: ebreak\n.option pop"
                     : "=r"(pc)::"memory");
    check_single_trap("ebreak", DOJO_EXC_BREAKPOINT, pc, DOJO_PRIV_MACHINE);
    check_mtval_is_zero_or("ebreak", pc);

    forget_traps();
    __asm__ volatile("la %0, 1f\n1: c.ebreak" : "=r"(pc)::"memory");
    check_single_trap("c.ebreak", DOJO_EXC_BREAKPOINT, pc, DOJO_PRIV_MACHINE);
    check_mtval_is_zero_or("c.ebreak", pc);
}

static void test_misaligned_loads(void)
{
    static const uint8_t bytes[16] __attribute__((aligned(8))) = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    };
    uint64_t half, word, doubleword;
    forget_traps();
    __asm__ volatile("lhu %0, 1(%1)" : "=r"(half) : "r"(bytes) : "memory");
    __asm__ volatile("lwu %0, 3(%1)" : "=r"(word) : "r"(bytes) : "memory");
    __asm__ volatile("ld %0, 5(%1)" : "=r"(doubleword) : "r"(bytes) : "memory");
    check_equal(trap_count, 0, "misaligned loads do not trap");
    check_equal(half, 0x0201, "misaligned lhu value");
    check_equal(word, 0x06050403, "misaligned lwu value");
    check_equal(doubleword, 0x0c0b0a0908070605, "misaligned ld value");
}

static void test_load_access_fault(void)
{
    uint64_t pc, value = 0;
    forget_traps();
    __asm__ volatile("la %0, 1f\n1: ld %1, 0(%2)"
                     : "=&r"(pc), "+r"(value)
                     : "r"(UNMAPPED_ADDRESS)
                     : "memory");
    check_single_trap("load from unmapped address", DOJO_EXC_LOAD_ACCESS_FAULT, pc,
                      DOJO_PRIV_MACHINE);
    check_equal(traps[0].mtval, UNMAPPED_ADDRESS, "load from unmapped address: mtval");
}

/* Addresses of the user program's trapping instructions, written by the user program. */
static volatile uint64_t user_csr_read_pc;
static volatile uint64_t user_ecall_pc;

static long user_program(long argument)
{
    uint64_t pc, status = 0;
    __asm__ volatile(DOJO_CSR_ASM("la %0, 1f\n1: csrr %1, mstatus")
                     : "=&r"(pc), "+r"(status)::"memory");
    user_csr_read_pc = pc;
    __asm__ volatile("la %0, 1f\n1: ecall" : "=r"(pc)::"memory");
    user_ecall_pc = pc;
    return argument + 1;
}

static void test_user_mode(void)
{
    static uint8_t user_stack[4096] __attribute__((aligned(16)));
    forget_traps();
    long result = dojo_call_user(user_program, 41, user_stack + sizeof user_stack);
    check_equal((uint64_t)result, 42, "user function ran and returned its result");
    check_equal(trap_count, 2, "user mode: two traps");
    if (trap_count != 2)
        return;
    check_equal(traps[0].mcause, DOJO_EXC_ILLEGAL_INSTRUCTION, "mstatus read from U: mcause");
    check_equal(traps[0].mepc, user_csr_read_pc, "mstatus read from U: mepc");
    check_equal(traps[0].privilege, DOJO_PRIV_USER, "mstatus read from U: taken from U");
    check_equal(traps[1].mcause, DOJO_EXC_ECALL_FROM_U, "ecall from U: mcause");
    check_equal(traps[1].mepc, user_ecall_pc, "ecall from U: mepc");
    check_equal(traps[1].privilege, DOJO_PRIV_USER, "ecall from U: taken from U");

    forget_traps();
    (void)dojo_csr_read(mstatus);
    check_equal(trap_count, 0, "back in machine mode: mstatus readable");
}

int main(void)
{
    puts("trap: exceptions, misaligned loads, user mode");
    dojo_trap_set_handler(recording_handler);
    test_illegal_instructions();
    test_ecall_and_ebreak();
    test_misaligned_loads();
    test_load_access_fault();
    test_user_mode();
    dojo_trap_set_handler(NULL);
    return check_verdict("trap");
}
