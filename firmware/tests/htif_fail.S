/* Spike HTIF, no SDK: reports failure code 5 (tohost = 11, exit status 5). */
#define HTIF_EXIT_CODE 5
#include "htif_exit.inc"
