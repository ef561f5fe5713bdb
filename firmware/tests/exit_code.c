/* Ends through exit(3): the simulator must exit with status 3. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    puts("exit_code: calling exit(3), the run must end with status 3");
    exit(3);
}
