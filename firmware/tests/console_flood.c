/*
 * Prints a megabyte to the console, then exits 0: a reader that stops early (`| head`) closes the
 * simulator's stdout while the firmware still prints.
 */
#include <stdio.h>

int main(void)
{
    for (int line = 0; line < 16384; ++line)
        printf("console_flood: line %5d of 16384, to fill any pipe buffer\n", line);
    return 0;
}
