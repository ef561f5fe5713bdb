/*
 * Memory map of a core of the Dojo D1 tile, as every shipped configuration has it. A program
 * records these values (crt0.S, .dojo.platform) and dojo-vp refuses it on a platform configured
 * otherwise (docs/firmware-sdk.md, "Memory map").
 *
 * SRAM, console, exit device and CLINT are where `qemu-system-riscv64 -machine virt` has them, so
 * single-core programs that use only those run there too. This header is included by C, by
 * assembly and by the linker script template (link.ld.in): plain integer literals only, no C
 * types or suffixes.
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

/*
 * Tile devices, one set per core in the block at 0x0300_0000 (docs/memory-map.md). Other cores
 * reach a core's block through the global window's device space at the same offsets.
 */
#define DOJO_DEVICE_BLOCK_BASE 0x03000000
#define DOJO_DMA_BASE 0x03000000       /* DMA engine registers (dojo/dma.h) */
#define DOJO_SYNC_BASE 0x03010000      /* sync unit: hardware semaphores (dojo/sync.h) */
#define DOJO_CORE_INFO_BASE 0x03020000 /* core info: topology, ranks (dojo/tile.h) */
/* Core info LOAD_FLAGS (u32): bit 0, the loader zeroed .bss (start-up code skips clearing it). */
#define DOJO_CORE_INFO_LOAD_FLAGS 0x28
#define DOJO_LOAD_FLAG_IMAGE_ZEROED 0x1

/*
 * Global window: every core's SRAM and device block, addressed by chip and mesh coordinates.
 * address = DOJO_GLOBAL_BASE | chip_y << 37 | chip_x << 34 | y << 29 | x << 24 | space << 22 | offset
 */
#define DOJO_GLOBAL_BASE 0x10000000000
#define DOJO_GLOBAL_CHIP_Y_SHIFT 37
#define DOJO_GLOBAL_CHIP_X_SHIFT 34
#define DOJO_GLOBAL_Y_SHIFT 29
#define DOJO_GLOBAL_X_SHIFT 24
#define DOJO_GLOBAL_SPACE_SHIFT 22
#define DOJO_GLOBAL_SPACE_SRAM 0
#define DOJO_GLOBAL_SPACE_DEVICES 1

/* mhartid: bits 4..0 x, 9..5 y, 12..10 chip x, 15..13 chip y. */
#define DOJO_HARTID_X_SHIFT 0
#define DOJO_HARTID_Y_SHIFT 5
#define DOJO_HARTID_CHIP_X_SHIFT 10
#define DOJO_HARTID_CHIP_Y_SHIFT 13

#endif
