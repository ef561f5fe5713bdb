/* Ending the run through the exit device, whatever _exit the program links (with semihosting,
   libsemihost's, which a trap handler must not rely on). */
#ifndef DOJO_SDK_EXIT_DEVICE_H
#define DOJO_SDK_EXIT_DEVICE_H

__attribute__((noreturn)) void dojo_exit_device(int status);

#endif
