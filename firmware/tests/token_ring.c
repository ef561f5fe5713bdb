/* Placeholder: being written. Fails until it is. */
int main(void) { return 99; }
