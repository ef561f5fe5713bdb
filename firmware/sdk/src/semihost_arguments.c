/*
 * main's arguments from the host (SYS_GET_CMDLINE; dojo-vp run --semihosting-root DIR FW.elf --
 * ARGS), argv[0] being the firmware's path. Split as dojo-vp quotes it: spaces between
 * arguments, "..." around one that holds spaces or quotes, with \" and \\ inside.
 */
#include "arguments.h"

#include <semihost.h>
#include <stddef.h>
#include <unistd.h>

#define DOJO_COMMAND_LINE_BYTES 4096
#define DOJO_MAX_ARGUMENTS 64

static char command_line[DOJO_COMMAND_LINE_BYTES];
static char *argument_vector[DOJO_MAX_ARGUMENTS + 1];

/* A command line the SDK cannot hold ends the run: main must never see a truncated one. */
static void too_long(void)
{
    sys_semihost_write0("*** dojo: the command line does not fit the SDK's 4096 bytes and 64 "
                        "arguments\n");
    _exit(2);
}

struct dojo_arguments dojo_arguments(void)
{
    struct dojo_arguments arguments = {0, argument_vector};
    if (sys_semihost_get_cmdline(command_line, sizeof command_line) != 0)
        too_long();
    char *in = command_line, *out = command_line;
    for (;;) {
        while (*in == ' ')
            in++;
        if (*in == '\0')
            break;
        if (arguments.argc == DOJO_MAX_ARGUMENTS)
            too_long();
        argument_vector[arguments.argc++] = out;
        int quoted = 0;
        for (; *in != '\0' && (quoted || *in != ' '); in++) {
            if (*in == '"') {
                quoted = !quoted;
                continue;
            }
            if (quoted && *in == '\\' && (in[1] == '"' || in[1] == '\\'))
                in++;
            *out++ = *in;
        }
        if (*in != '\0')
            in++;
        *out++ = '\0';
    }
    argument_vector[arguments.argc] = NULL;
    return arguments;
}
