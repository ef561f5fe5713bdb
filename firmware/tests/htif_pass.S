/* Spike HTIF, no SDK: reports success (tohost = 1, exit status 0). */
#define HTIF_EXIT_CODE 0
#include "htif_exit.inc"
