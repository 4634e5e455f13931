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
 * is as fast as the GEMM in force, and {@code VectorDirectConv} computes first layers (few taps
 * per output) directly on SIMD registers; {@code ScalarConv} (the seven loops) is their reference
 * and the fallback under {@code cnn.kernels=scalar}. Pooling runs plain loops ({@code ScalarPooling})
 * parallel over the N*C planes, except 2x2 stride-2 max pooling, which {@code VectorPooling} runs
 * on SIMD registers.
 *
 * <p><b>float64.</b> Each reference kernel is written once, for float32; its float64 twin
 * ({@code ScalarConv64}, {@code ScalarGemm64}, {@code ScalarPooling64}, {@code ScalarElementwise64})
 * is generated from it by {@code Float64Twins} in the test sources, and a test fails when a twin
 * is stale ({@code ScalarConv}'s class comment says why this way).
 *
 * <h2>Threads and determinism</h2>
 * {@link dev.cnn.tensor.Parallel} is the one thread pool. Work is split into tasks whose
 * boundaries do not depend on the number of threads, and each output element is computed by one
 * task in a fixed order, so results are bit-identical run after run and across thread counts.
 *
 * <h2>Who owns which array</h2>
 * The package keeps four pieces of state beyond the tensors it is given. None is a hidden switch:
 * each is read at one place, can be inspected, and has a bound.
 * <ul>
 *   <li><b>{@link dev.cnn.tensor.Workspace}, the tensor pool behind {@link dev.cnn.tensor.Tensor#zeros}.</b>
 *       Owned by the thread that opens a scope ({@code Workspace.open()}; the training and
 *       evaluation loops open one per step); only that thread's tensors borrow from it. A tensor
 *       made inside the scope is on loan until the outermost scope closes, then its array goes
 *       back to the thread's free lists and the tensor is dead (using it throws). Recycled: at
 *       every close. Bound: the free lists keep exactly the arrays of the last scope, so a thread
 *       holds one step's working set between steps (an array no scope asked for is left to the
 *       garbage collector). Seen through {@link dev.cnn.tensor.Workspace#stats()} and
 *       {@code describe()}; {@code cnn.workspace=off} turns the pool off.
 *   <li><b>{@link dev.cnn.tensor.Scratch}, the kernels' per-thread scratch buffers</b> (GEMM's
 *       packed panels, im2col matrices, convolution chunk outputs and weight-gradient partials,
 *       padded images, a few vectors of lanes). Owned by the thread that asks for one, for the
 *       length of one kernel call (during which the pool's workers may read it). Recycled: handed
 *       out again on that thread's next call to the same slot. Bound: an array is kept only up to
 *       {@link dev.cnn.tensor.Scratch#MAX_KEPT_FLOATS} floats (16 MB), larger requests are
 *       allocated for the call and collected, so a thread holds at most 16 MB per slot (in
 *       practice what its largest layer needed); released when the thread ends. Seen through
 *       {@link dev.cnn.tensor.Scratch#heldBytes()}, {@code heldBytesByThread()} and
 *       {@code describe()}.
 *   <li><b>{@link dev.cnn.tensor.Parallel}, the one static thread pool.</b> Owned by the class;
 *       sized once from {@code setThreads}, {@code cnn.threads} or {@code CNN_THREADS}, else the
 *       processor count. Recycled: when the count changes, the old workers end after their
 *       current region and their scratch buffers go with them. Bound: at most 4 x the available
 *       processors; an idle worker spins at most {@code cnn.spinMicros} (200 us, at most 1 ms)
 *       per gap between regions and then parks. A thread-local flag marks threads inside a
 *       region (nested regions run sequentially). Seen through {@code Parallel.threads()}.
 *   <li><b>{@link dev.cnn.tensor.Kernels}' choice</b> (scalar or vector, and the vector width),
 *       made once per JVM from {@code cnn.kernels} / {@code CNN_KERNELS}, and the kernel objects
 *       the facades hold (stateless but for their width). Bound: constant. Seen through
 *       {@link dev.cnn.tensor.Kernels#describe()}. {@link dev.cnn.tensor.Log}'s level and stream
 *       are the only mutable statics besides the pool size, set by {@code setLevel} and
 *       {@code setOutput}.
 * </ul>
 * Everything else a kernel needs it allocates per call or receives from its caller, who owns it.
 */
package dev.cnn.tensor;
