/**
 * Files for models: {@link dev.cnn.layers.io.SafeTensors} (tensors in the safetensors format),
 * {@link dev.cnn.layers.io.ModelFiles} (a {@link dev.cnn.layers.Sequential} as a weights file plus
 * an architecture JSON file, and the PyTorch import with its name rule). Both write through
 * {@link dev.cnn.tensor.io.AtomicFiles} (temp file, fsync, rename, fsync of the directory).
 *
 * <p>Files hold data only, never Java serialization or code. Every write is atomic; every read
 * checks the whole layout first and fails with an exception that names the file and the tensor
 * or layer, what was expected and what was found. The formats are described in the module's
 * README (layers/README.md).
 */
package dev.cnn.layers.io;
