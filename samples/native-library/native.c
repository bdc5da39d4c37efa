/*
 * A small native library that misbehaves in every way process-sandbox is meant to contain.
 * Called in-process, any one of parse_length(""), hang() or a long run of leak() would take the
 * whole Node.js application down with it. run.mjs builds it with:
 *   cc -shared -fPIC -O2 -o build/libnative.so native.c
 */
#include <stdlib.h>
#include <string.h>

/* e^x from the first n terms of its Taylor series: sum of x^k / k! for k = 0 .. n-1. */
double compute(double x, int n) {
    double sum = 0.0;
    double term = 1.0;
    for (int k = 0; k < n; k++) {
        sum += term;
        term *= x / (double)(k + 1);
    }
    return sum;
}

/*
 * The length of a string, with a real bug: an empty string is taken for "no buffer" and the NULL
 * is used anyway, so strlen reads address 0 and the process gets SIGSEGV. The pointer is
 * volatile so the compiler cannot see the NULL and fold the call away.
 */
int parse_length(const char *s) {
    const char *volatile p = (s != NULL && s[0] != '\0') ? s : NULL;
    return (int)strlen(p);
}

/* Where leaked blocks escape to, so the compiler cannot drop the malloc and the memset. */
static void *volatile last_block;
static int leaked_kib;

/* Allocates kib KiB, touches every page (so resident memory really grows) and never frees it. */
int leak(int kib) {
    size_t size = (size_t)kib * 1024;
    void *block = malloc(size);
    if (block == NULL) return -1;
    memset(block, 0xAB, size);
    last_block = block;
    leaked_kib += kib;
    return leaked_kib;
}

/* Never returns, and never gives the Node.js event loop a chance to run again. */
void hang(void) {
    volatile int spinning = 1;
    while (spinning) {
    }
}

/*
 * A document kept in C memory between calls: the kind of handle a stateful native library gives
 * out (open, operate, close). It means something only in the process that opened it.
 */
struct document {
    int lines;
    double total;
};

struct document *doc_open(void) {
    return calloc(1, sizeof(struct document));
}

int doc_add(struct document *d, double value) {
    d->lines += 1;
    d->total += value;
    return d->lines;
}

double doc_total(const struct document *d) {
    return d->total;
}

void doc_close(struct document *d) {
    free(d);
}

/* Global state: one counter per process, so its value depends on which worker answers. */
static int counter;

int counter_next(void) {
    return ++counter;
}
