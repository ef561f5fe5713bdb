/*
 * Memory map of the Dojo D1 tile in its default (single-core) configuration.
 *
 * The same addresses exist on `qemu-system-riscv64 -machine virt`, so an ELF built with this
 * SDK runs unchanged on both. This header is included by C, by assembly and by the linker
 * script template (link.ld.in): plain integer literals only, no C types or suffixes.
 */
#ifndef DOJO_PLATFORM_H
#define DOJO_PLATFORM_H

/* On-tile SRAM: code, data, heap and stack. */
#define DOJO_SRAM_BASE 0x80000000
#define DOJO_SRAM_SIZE 0x140000 /* 1.25 MiB */

/* Stack reserved at the top of SRAM unless the program links with --defsym=__stack_size=N. */
#define DOJO_DEFAULT_STACK_SIZE 0x10000

/* 16550-compatible console UART (byte registers). */
#define DOJO_UART_BASE 0x10000000
#define DOJO_UART_THR_OFFSET 0x0 /* transmit holding register (write) */
#define DOJO_UART_LSR_OFFSET 0x5 /* line status register (read) */
#define DOJO_UART_LSR_THRE 0x20  /* LSR bit 5: THR empty, ready for the next byte */

/* Exit device (SiFive test finisher): one 32-bit store ends the simulation. */
#define DOJO_EXIT_DEVICE_BASE 0x00100000
#define DOJO_EXIT_PASS 0x5555 /* store this to exit with status 0 */
#define DOJO_EXIT_FAIL 0x3333 /* store (status << 16) | this to exit with `status` */

/* Core-local interruptor: software interrupt, timer compare and the free-running timer. */
#define DOJO_CLINT_BASE 0x02000000
#define DOJO_CLINT_MSIP_OFFSET 0x0        /* 32-bit, bit 0 raises the software interrupt */
#define DOJO_CLINT_MTIMECMP_OFFSET 0x4000 /* 64-bit, this core's timer compare */
#define DOJO_CLINT_MTIME_OFFSET 0xBFF8    /* 64-bit, the timer */
#define DOJO_TIMEBASE_HZ 10000000         /* mtime ticks per second */

#endif
