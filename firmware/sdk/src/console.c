/* The console UART, raw (console_stdio.c makes it picolibc's stdout/stderr). */
#include <dojo/console.h>
#include <dojo/platform.h>

static volatile uint8_t *uart_register(uintptr_t offset)
{
    return (volatile uint8_t *)((uintptr_t)DOJO_UART_BASE + offset);
}

void dojo_console_putc(char c)
{
    while (!(*uart_register(DOJO_UART_LSR_OFFSET) & DOJO_UART_LSR_THRE)) {
    }
    *uart_register(DOJO_UART_RBR_THR_OFFSET) = (uint8_t)c;
}

void dojo_console_puts(const char *text)
{
    while (*text)
        dojo_console_putc(*text++);
}

void dojo_console_put_hex(uint64_t value)
{
    dojo_console_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4)
        dojo_console_putc("0123456789abcdef"[(value >> shift) & 0xf]);
}
