/*
 * Semihosting confinement: every path given on the command line must be refused, for reading
 * and for writing (they lead out of --semihosting-root). Exits 0 only if all were refused.
 */
#include "check.h"

#include <errno.h>

int main(int argc, char **argv)
{
    puts("semihost_escape: paths out of the root are refused");
    check(argc > 1, "paths to try were given");
    for (int i = 1; i < argc; i++) {
        FILE *read = fopen(argv[i], "r");
        check(read == NULL && errno == EACCES, argv[i]);
        FILE *write = fopen(argv[i], "w");
        check(write == NULL, argv[i]);
        if (read != NULL)
            fclose(read);
        if (write != NULL)
            fclose(write);
    }
    return check_verdict("semihost_escape");
}
