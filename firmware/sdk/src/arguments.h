/* main's arguments, which crt0.S asks for just before calling main. */
#ifndef DOJO_SDK_ARGUMENTS_H
#define DOJO_SDK_ARGUMENTS_H

/* Two machine words: returned in a0 (argc) and a1 (argv), as main takes them. */
struct dojo_arguments {
    long argc;
    char **argv;
};

struct dojo_arguments dojo_arguments(void);

#endif
