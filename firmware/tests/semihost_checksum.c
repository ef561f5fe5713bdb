/*
 * Semihosting end to end, CoreMark-style: `semihost_checksum.elf ITERATIONS OUTPUT` reads
 * input.bin from the host with fopen/fread, chains a CRC-32 over it ITERATIONS times, writes
 * "iterations=N crc=0x........\n" to OUTPUT with fwrite and reads it back. Exits 0 only when
 * every step worked and the CRC matches its known answer.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint32_t crc32(uint32_t crc, const unsigned char *data, size_t length)
{
    crc = ~crc;
    for (size_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

static int ends_with(const char *text, const char *end)
{
    size_t text_length = strlen(text), end_length = strlen(end);
    return text_length >= end_length && strcmp(text + text_length - end_length, end) == 0;
}

int main(int argc, char **argv)
{
    puts("semihost_checksum: argv, fopen/fread/fwrite on host files");
    check(argc == 3, "argc is 3 (program, iterations, output)");
    if (argc != 3)
        return check_verdict("semihost_checksum");
    check(ends_with(argv[0], "semihost_checksum.elf"), "argv[0] is the firmware's path");
    const long iterations = strtol(argv[1], NULL, 10);
    check(iterations > 0, "the iteration count is positive");
    check_equal(crc32(0, (const unsigned char *)"123456789", 9), 0xcbf43926, "CRC-32 known answer");

    static unsigned char data[64 * 1024];
    FILE *input = fopen("input.bin", "rb");
    check(input != NULL, "fopen input.bin");
    if (input == NULL)
        return check_verdict("semihost_checksum");
    check(fseek(input, 0, SEEK_END) == 0, "fseek to the end");
    const long size = ftell(input);
    check(size > 0 && (size_t)size <= sizeof data, "ftell gives the file's size");
    rewind(input);
    const size_t got = fread(data, 1, sizeof data, input);
    check(got == (size_t)size, "fread reads the whole file");
    check(fclose(input) == 0, "fclose input.bin");

    const clock_t start = clock();
    uint32_t crc = 0;
    for (long i = 0; i < iterations; i++)
        crc = crc32(crc, data, got);
    check(clock() >= start, "clock() does not go back");

    char line[64];
    const int length = snprintf(line, sizeof line, "iterations=%ld crc=0x%08lx\n", iterations,
                                (unsigned long)crc);
    FILE *output = fopen(argv[2], "wb");
    check(output != NULL, "fopen the output for writing");
    if (output == NULL)
        return check_verdict("semihost_checksum");
    check(fwrite(line, 1, (size_t)length, output) == (size_t)length, "fwrite the result");
    check(fclose(output) == 0, "fclose the output");

    char back[64] = {0};
    output = fopen(argv[2], "rb");
    check(output != NULL && fread(back, 1, sizeof back - 1, output) == (size_t)length &&
              memcmp(back, line, (size_t)length) == 0,
          "the output reads back as written");
    if (output != NULL)
        fclose(output);
    fputs(line, stdout);
    return check_verdict("semihost_checksum");
}
