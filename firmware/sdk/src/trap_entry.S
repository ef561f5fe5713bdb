/*
 * Trap entry and user-mode calls.
 *
 * mscratch holds 0 while the hart runs in machine mode and the machine stack pointer while it
 * runs in user mode, so a trap from user mode switches to the machine stack and a trap from
 * machine mode stays on the interrupted stack.
 */
#include <dojo/csr.h>
#include <dojo/trap.h>

    .option arch, +zicsr

/* struct dojo_trap_frame (checked against the C layout in trap.c) */
    .equ FRAME_MEPC, 32 * 8
    .equ FRAME_MCAUSE, 33 * 8
    .equ FRAME_MTVAL, 34 * 8
    .equ FRAME_MSTATUS, 35 * 8
    .equ FRAME_SIZE, 36 * 8

/* What dojo_call_user keeps on the machine stack while user code runs. */
    .equ CALL_MSTATUS, 0
    .equ CALL_RA, 8
    .equ CALL_S0, 16 /* s0..s11 */
    .equ CALL_SIZE, 14 * 8

    .macro save_regs
    sd x1, 1 * 8(sp)
    .irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
    sd x\n, \n * 8(sp)
    .endr
    .irp n, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    sd x\n, \n * 8(sp)
    .endr
    .endm

    .macro restore_regs_except_sp
    ld x1, 1 * 8(sp)
    .irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
    ld x\n, \n * 8(sp)
    .endr
    .irp n, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld x\n, \n * 8(sp)
    .endr
    .endm

    .section .text.dojo_trap_entry, "ax", @progbits
    .balign 4 /* mtvec direct mode needs a 4-byte aligned entry */
    .globl dojo_trap_entry
dojo_trap_entry:
    csrrw sp, mscratch, sp
    bnez sp, 1f               /* from user mode: now on the machine stack, mscratch = user sp */
    csrrw sp, mscratch, sp    /* from machine mode: back to the interrupted sp, mscratch = 0 */
1:
    addi sp, sp, -FRAME_SIZE
    save_regs
    csrrw t0, mscratch, zero  /* user sp, or 0 from machine mode; machine mode runs with 0 */
    bnez t0, 2f
    addi t0, sp, FRAME_SIZE   /* from machine mode: the interrupted sp is just above the frame */
2:
    sd t0, 2 * 8(sp)
    csrr t0, mepc
    csrr t1, mcause
    csrr t2, mtval
    csrr t3, mstatus
    sd t0, FRAME_MEPC(sp)
    sd t1, FRAME_MCAUSE(sp)
    sd t2, FRAME_MTVAL(sp)
    sd t3, FRAME_MSTATUS(sp)

    /* The ecall of dojo_user_return ends a dojo_call_user. */
    li t4, DOJO_EXC_ECALL_FROM_U
    bne t1, t4, 3f
    la t4, dojo_user_return
    beq t0, t4, return_to_machine_caller
3:
    mv a0, sp
    call dojo_trap_dispatch

    ld t0, FRAME_MEPC(sp)
    ld t1, FRAME_MSTATUS(sp)
    csrw mepc, t0
    csrw mstatus, t1
    li t2, DOJO_MSTATUS_MPP
    and t1, t1, t2
    bnez t1, 4f
    addi t0, sp, FRAME_SIZE   /* returning to user mode: its next trap needs the machine stack */
    csrw mscratch, t0
4:
    restore_regs_except_sp
    ld sp, 2 * 8(sp)
    mret

/* Unwinds the machine stack to dojo_call_user's frame and returns the user function's a0. */
return_to_machine_caller:
    ld a0, 10 * 8(sp)
    addi sp, sp, FRAME_SIZE
    ld t0, CALL_MSTATUS(sp)
    csrw mstatus, t0
    ld ra, CALL_RA(sp)
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ld s\n, CALL_S0 + \n * 8(sp)
    .endr
    addi sp, sp, CALL_SIZE
    ret

/* long dojo_call_user(long (*function)(long), long argument, void *user_stack_top) */
    .section .text.dojo_call_user, "ax", @progbits
    .globl dojo_call_user
dojo_call_user:
    addi sp, sp, -CALL_SIZE
    csrr t0, mstatus
    sd t0, CALL_MSTATUS(sp)
    sd ra, CALL_RA(sp)
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    sd s\n, CALL_S0 + \n * 8(sp)
    .endr
    csrw mscratch, sp
    li t0, DOJO_MSTATUS_MPP
    csrc mstatus, t0          /* mret goes to user mode */
    csrw mepc, a0
    mv a0, a1
    la ra, dojo_user_return   /* the function returns into the stub, still in user mode */
    mv sp, a2
    mret

/* Runs in user mode: the trap entry recognises this ecall by its address. */
    .globl dojo_user_return
dojo_user_return:
    ecall
