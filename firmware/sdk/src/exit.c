/* Program exit through the exit device; exit() (picolibc) runs atexit handlers, then this. */
#include "exit_device.h"

#include <unistd.h>

void _exit(int status)
{
    dojo_exit_device(status);
}
