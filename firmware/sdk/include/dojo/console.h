/*
 * Raw console output on the UART, usable before or without stdio (e.g. from a trap handler).
 * printf/puts/fputs(stderr) go to the same UART through picolibc's stdio.
 */
#ifndef DOJO_CONSOLE_H
#define DOJO_CONSOLE_H

#include <stdint.h>

void dojo_console_putc(char c);
void dojo_console_puts(const char *text); /* no newline added */
void dojo_console_put_hex(uint64_t value); /* "0x" and 16 hex digits */

#endif
