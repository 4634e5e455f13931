/*
 * OpenBLAS SGEMM reference timing for `./cnn bench gemm`.
 *
 * usage: sgemm_bench M N K THREADS SECONDS [MEASUREMENTS | -]
 * Multiplies row-major float matrices C = A * B (A: MxK, B: KxN) filled with uniform values in
 * [-1, 1), repeats for about SECONDS per measurement, and prints one line per measurement:
 *   gflops <value>
 * after a warm-up. With "-" instead of a count it prints "ready" after the warm-up, then takes
 * one measurement for each line read from standard input, until end of input: the caller can
 * interleave these with its own measurements, so that both see the same machine.
 * Built by bench/openblas/build.sh against Debian's libopenblas-dev.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

extern void openblas_set_num_threads(int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s M N K THREADS SECONDS [MEASUREMENTS]\n", argv[0]);
    return 2;
  }
  int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]), threads = atoi(argv[4]);
  double seconds = atof(argv[5]);
  int interactive = argc > 6 && argv[6][0] == '-' && argv[6][1] == 0;
  int measurements = interactive ? 1 : argc > 6 ? atoi(argv[6]) : 5;
  if (m <= 0 || n <= 0 || k <= 0 || threads <= 0 || seconds <= 0 || measurements <= 0) {
    fprintf(stderr, "sgemm_bench: M, N, K, THREADS, SECONDS and MEASUREMENTS must be positive\n");
    return 2;
  }
  openblas_set_num_threads(threads);
  float *a = malloc(sizeof(float) * (size_t)m * k);
  float *b = malloc(sizeof(float) * (size_t)k * n);
  float *c = malloc(sizeof(float) * (size_t)m * n);
  if (!a || !b || !c) { fprintf(stderr, "sgemm_bench: out of memory\n"); return 1; }
  unsigned s = 12345;
  for (size_t i = 0; i < (size_t)m * k; i++) { s = s * 1103515245u + 12345u; a[i] = (s >> 8) / 8388608.0f - 1.0f; }
  for (size_t i = 0; i < (size_t)k * n; i++) { s = s * 1103515245u + 12345u; b[i] = (s >> 8) / 8388608.0f - 1.0f; }
  double flops = 2.0 * m * n * k;
  /* warm-up: about one measurement's worth */
  double t0 = now();
  long reps = 0;
  while (now() - t0 < seconds) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    reps++;
  }
  if (interactive) {
    printf("ready\n");
    fflush(stdout);
  }
  char line[64];
  for (int r = 0; interactive ? fgets(line, sizeof line, stdin) != NULL : r < measurements; r++) {
    double t = now();
    for (long i = 0; i < reps; i++)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    double dt = now() - t;
    printf("gflops %.3f\n", flops * reps / dt * 1e-9);
    fflush(stdout);
  }
  free(a); free(b); free(c);
  return 0;
}
