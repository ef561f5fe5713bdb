/* The console UART as picolibc's stdout and stderr (with semihosting, libsemihost's are used). */
#include <dojo/console.h>

#include <stdio.h>

static int console_stream_put(char c, FILE *stream)
{
    (void)stream;
    dojo_console_putc(c);
    return (unsigned char)c;
}

/* Unbuffered: every character reaches the UART at once, so nothing is lost at exit. */
static FILE console_stream = FDEV_SETUP_STREAM(console_stream_put, NULL, NULL, _FDEV_SETUP_WRITE);

FILE *const stdout = &console_stream;
FILE *const stderr = &console_stream;
