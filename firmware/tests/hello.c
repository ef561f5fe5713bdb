/* The demo firmware: greets from the core it runs on. */
#include <dojo/csr.h>

#include <stdio.h>

int main(void)
{
    printf("Hello from the Dojo D1 core %llu!\n", (unsigned long long)dojo_hart_id());
    return 0;
}
