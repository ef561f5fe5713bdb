/* Without semihosting the firmware has no command line: main(0, NULL). */
#include "arguments.h"

#include <stddef.h>

struct dojo_arguments dojo_arguments(void)
{
    return (struct dojo_arguments){0, NULL};
}
