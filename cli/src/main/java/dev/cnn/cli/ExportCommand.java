package dev.cnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.layers.io.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnn export RUN --format onnx}: a trained model as an ONNX file ({@link OnnxExport}), for
 * inference in ONNX Runtime and the engines that read ONNX. The class names go into the file's
 * metadata ({@code classes}, a JSON array). An existing file is not replaced without
 * {@code --force}; the file is written atomically.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write a trained model (a 'cnn train' output directory) in another format: onnx (opset "
        + OnnxExport.OPSET + "), for ONNX Runtime and other inference engines.",
        "The ONNX model takes '" + OnnxExport.INPUT + "' [N, C, H, W] float32 (the images as 'cnn train' fed them:"
            + " pixels in [0, 1]) and gives '" + OnnxExport.OUTPUT + "' [N, classes], the logits; the class names are"
            + " in its metadata ('classes')."})
final class ExportCommand implements Callable<Integer> {
  /** The formats {@code --format} takes. */
  static final String[] FORMATS = {"onnx"};

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN", description = "The --out directory of 'cnn train'.")
  Path run;

  @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "onnx.")
  String format;

  @Option(names = "--out", paramLabel = "FILE", description = "The file to write (default RUN/model.onnx).")
  Path out;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (!Arrays.asList(FORMATS).contains(format.toLowerCase(Locale.ROOT))) {
      throw new ParameterException(spec.commandLine(), "--format " + format + ": unknown format; expected one of "
          + String.join(", ", FORMATS));
    }
    Path file = out != null ? out : run.resolve("model.onnx");
    if (Files.isDirectory(file)) {
      throw new ParameterException(spec.commandLine(), "--out " + file + " is a directory; give a file name, such as "
          + file.resolve("model.onnx"));
    }
    if (Files.exists(file) && !force) {
      throw new IllegalArgumentException(file + " exists; add --force to replace it, or give another --out FILE");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      throw new IllegalArgumentException("--out " + file + ": the directory " + parent + " does not exist; create it"
          + " first");
    }
    ModelDir md = ModelDir.load(run);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("classes", new ObjectMapper().writeValueAsString(md.classNames()));
    metadata.put("source", run.toAbsolutePath().normalize().toString());
    OnnxExport.write(md.model(), metadata, file);
    java.io.PrintWriter stdout = spec.commandLine().getOut();
    stdout.println("wrote " + file.toAbsolutePath() + " (" + Files.size(file) + " bytes): ONNX opset " + OnnxExport.OPSET
        + ", input '" + OnnxExport.INPUT + "' " + batchShape(md.model().inputShape()) + " float32, output '"
        + OnnxExport.OUTPUT + "' " + batchShape(md.model().outputShape()) + " (logits); classes " + md.classNames());
    stdout.flush();
    return 0;
  }

  private static String batchShape(int[] shape) {
    StringBuilder b = new StringBuilder("[N");
    for (int d : shape) b.append(", ").append(d);
    return b.append(']').toString();
  }
}
