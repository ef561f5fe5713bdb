/*
 * An illegal instruction with no handler installed: the SDK's default trap handler must print
 * cause, mepc and mtval and end the run with status DOJO_EXIT_UNHANDLED_TRAP (100).
 */
#include <dojo/trap.h>

#include <stdio.h>

int main(void)
{
    printf("unhandled_trap: executing an illegal instruction, the run must end with status %d\n",
           DOJO_EXIT_UNHANDLED_TRAP);
    __asm__ volatile(".4byte 0x0000006b"); /* reserved major opcode */
    puts("unhandled_trap: FAIL (execution continued after the trap)");
    return 1;
}
