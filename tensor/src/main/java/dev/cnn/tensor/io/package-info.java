/**
 * Writing files safely: {@link dev.cnn.tensor.io.AtomicFiles}, the one atomic-write helper of the
 * project (temporary file in the same directory, fsync, atomic rename, fsync of the directory;
 * the mode a plainly created file would get; removal of the temporary files a killed write left).
 *
 * <p>It lives in the lowest module so that every module that saves something (engine's graph
 * export, layers' model files, optim's checkpoints and history, data's downloads and previews)
 * uses the same code. It knows nothing of what the bytes mean: the formats belong to the modules
 * above.
 */
package dev.cnn.tensor.io;
