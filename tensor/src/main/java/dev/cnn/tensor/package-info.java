/**
 * Tensors and the kernels that compute on them.
 *
 * <h2>Layout and legend</h2>
 * Tensors are dense, contiguous and row-major; images are NCHW. Dimension names used throughout:
 * N batch, C channels (Cin, Cout), H height, W width, K kernel size (KH, KW), S stride, P padding,
 * D dilation, G groups; for matrices m x k times k x n.
 *
 * <h2>Kernel families</h2>
 * Each family has a package-private interface, a {@code Scalar...} implementation written as plain
 * loops (the readable reference, the test oracle, and the fallback), and a {@code Vector...}
 * implementation using {@code jdk.incubator.vector}, the only classes that import it. Their
 * constructor takes the vector width in bits so tests exercise 128- and 256-bit code on any
 * machine. {@link dev.cnn.tensor.Kernels} picks one implementation per JVM and logs why; the
 * system property {@code cnn.kernels=scalar} (or {@code CNN_KERNELS=scalar}) forces the scalar path.
 * Public facades ({@link dev.cnn.tensor.Gemm}, {@link dev.cnn.tensor.TensorMath},
 * {@link dev.cnn.tensor.Convolution},
 * {@link dev.cnn.tensor.Pooling}, ...) check shapes and name the op, the shapes received and the
 * shapes expected in every error.
 *
 * <p>Convolution's fast path is not a Vector class of its own: {@code GemmConv} lowers forward,
 * input gradient and weight gradient to {@link dev.cnn.tensor.Gemm} through im2col/col2im, so it
 * is as fast as the GEMM in force; {@code ScalarConv} (the seven loops) is its reference, its
 * fallback under {@code cnn.kernels=scalar}, and the float64 path. Pooling is memory-bound and has
 * one implementation, plain loops parallel over the N*C planes.
 *
 * <h2>Threads and determinism</h2>
 * {@link dev.cnn.tensor.Parallel} is the one thread pool. Work is split into tasks whose
 * boundaries do not depend on the number of threads, and each output element is computed by one
 * task in a fixed order, so results are bit-identical run after run and across thread counts.
 */
package dev.cnn.tensor;
