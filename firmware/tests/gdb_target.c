/* The GDB server's test target (tests/platform/test_gdb.cpp): a function to break in, a counter to
 * print and a variable to watch. Exits 7 when the sums come out right, so a debugger that changed
 * something shows in the status. */
volatile unsigned long gdb_counter;
volatile unsigned long gdb_watched;

__attribute__((noinline)) unsigned long gdb_add(unsigned long a, unsigned long b)
{
    return a + b;
}

int main(void)
{
    for (unsigned long i = 1; i <= 5; i++)
        gdb_counter = gdb_add(gdb_counter, i);
    gdb_watched = 42;
    return gdb_counter == 15 && gdb_watched == 42 ? 7 : 1;
}
