/* Self-checking helpers for the test programs: one line per check, one PASS/FAIL verdict. */
#ifndef DOJO_TEST_CHECK_H
#define DOJO_TEST_CHECK_H

#include <stdint.h>
#include <stdio.h>

static unsigned check_failures;

static inline void check(int ok, const char *what)
{
    printf("  %-4s %s\n", ok ? "ok" : "FAIL", what);
    if (!ok)
        check_failures++;
}

static inline void check_equal(uint64_t actual, uint64_t expected, const char *what)
{
    if (actual == expected) {
        check(1, what);
        return;
    }
    printf("  FAIL %s: got 0x%llx, expected 0x%llx\n", what, (unsigned long long)actual,
           (unsigned long long)expected);
    check_failures++;
}

/* Prints "<program>: PASS" or "<program>: FAIL (n checks failed)"; returns main's status. */
static inline int check_verdict(const char *program)
{
    if (check_failures == 0) {
        printf("%s: PASS\n", program);
        return 0;
    }
    printf("%s: FAIL (%u checks failed)\n", program, check_failures);
    return 1;
}

#endif
