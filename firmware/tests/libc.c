/*
 * The C library on the SDK: heap (malloc between .bss and the stack), thread-local errno
 * (tp must point at the TLS block), formatted output and string conversion.
 */
#include "check.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

extern char __heap_start[], __heap_end[];

static int in_heap(const void *pointer, size_t size)
{
    const char *bytes = pointer;
    return bytes >= __heap_start && bytes + size <= __heap_end;
}

int main(void)
{
    puts("libc: heap, errno, snprintf, strtol");

    size_t sizes[] = {16, 1000, 64 * 1024};
    char *blocks[3];
    for (int i = 0; i < 3; i++) {
        blocks[i] = malloc(sizes[i]);
        memset(blocks[i], 'a' + i, sizes[i]);
    }
    check(in_heap(blocks[0], sizes[0]) && in_heap(blocks[1], sizes[1]) &&
              in_heap(blocks[2], sizes[2]),
          "malloc returns blocks inside the heap");
    check(blocks[0][sizes[0] - 1] == 'a' && blocks[1][0] == 'b' && blocks[2][sizes[2] - 1] == 'c',
          "heap blocks keep their contents");
    for (int i = 0; i < 3; i++)
        free(blocks[i]);
    check(malloc((size_t)(__heap_end - __heap_start) + 1) == NULL,
          "malloc beyond the heap returns NULL");

    errno = 0;
    long parsed = strtol("123456789012345678901234567890", NULL, 10);
    check(parsed == LONG_MAX && errno == ERANGE, "strtol overflow sets errno to ERANGE");
    check_equal((uint64_t)strtol("-0x7f", NULL, 16), (uint64_t)-0x7f, "strtol parses hex");

    char text[32];
    int length = snprintf(text, sizeof text, "%d|%5s|%-3x|%lu", -42, "ab", 255, 123456789UL);
    check(length == 23 && strcmp(text, "-42|   ab|ff |123456789") == 0, "snprintf formats");

    return check_verdict("libc");
}
