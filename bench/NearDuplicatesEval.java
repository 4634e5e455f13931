import dev.cnn.data.*;
import dev.cnn.diagnose.*;
import dev.cnn.layers.Sequential;
import dev.cnn.layers.io.ModelFiles;
import java.nio.file.Path;
import java.util.*;

/**
 * Which finds near-duplicates better: the perceptual hash confirmed by pixel correlation
 * (Duplicates, what cnn diagnose uses) or the cosine of the network's penultimate features?
 * Plants 100 near copies (noise of 2/255 and +0.03 brightness) of Fashion-MNIST test images, then
 * counts the planted pairs each method finds and the other pairs it reports. A single-file
 * program, run against the built jar and a trained Fashion-MNIST run:
 *
 *   java --add-modules jdk.incubator.vector -cp cli/target/cnn.jar bench/NearDuplicatesEval.java RUN/model.safetensors
 */
public class NearDuplicatesEval {
  public static void main(String[] args) throws Exception {
    Dataset test = StandardDatasets.load("fashion-mnist", StandardDatasets.Split.TEST, null);
    int n = test.size(), d = test.sampleSize(), planted = 100;
    Random r = new Random(1);
    float[] all = new float[(n + planted) * d];
    int[] labels = new int[n + planted];
    for (int i = 0; i < n; i++) { test.read(i, all, i * d); labels[i] = test.label(i); }
    int[] origin = new int[planted];
    for (int p = 0; p < planted; p++) {
      int o = r.nextInt(n); origin[p] = o; labels[n + p] = labels[o];
      for (int k = 0; k < d; k++) {
        float v = all[o * d + k] + (float) (2 / 255.0 * r.nextGaussian()) + 0.03f;
        all[(n + p) * d + k] = Math.max(0, Math.min(1, v));
      }
    }
    Dataset data = new ArrayDataset(all, labels, test.sampleShape(), test.classNames());
    long t0 = System.nanoTime();
    Duplicates.Result res = Duplicates.find(data, null);
    double secs = (System.nanoTime() - t0) / 1e9;
    Set<Long> plantedPairs = new HashSet<>();
    for (int p = 0; p < planted; p++) plantedPairs.add(key(origin[p], n + p));
    int found = 0, other = 0;
    for (Duplicates.Pair pr : res.withinTrain()) { if (plantedPairs.contains(key(pr.a(), pr.b()))) found++; else other++; }
    System.out.printf(Locale.ROOT, "hash+correlation: %d of %d planted pairs found, %d other pairs (%.1f s)%n", found, planted, other, secs);

    Sequential model = ModelFiles.load(Path.of(args[0]));
    float[][] f;
    try (DataLoader l = DataLoader.builder(data).batchSize(256).shuffle(false).build()) { f = Features.penultimate(model, l); }
    for (float[] v : f) { double s = 0; for (float x : v) s += x * x; s = Math.sqrt(s); if (s > 0) for (int k = 0; k < v.length; k++) v[k] /= s; }
    double minPlanted = 1;
    for (int p = 0; p < planted; p++) minPlanted = Math.min(minPlanted, dot(f[origin[p]], f[n + p]));
    long above = 0;
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) if (dot(f[i], f[j]) >= minPlanted) above++;
    System.out.printf(Locale.ROOT, "feature cosine: the planted pairs have cosine >= %.5f; %d pairs of distinct original images reach it (feature dim %d)%n", minPlanted, above, f[0].length);
  }
  static long key(int a, int b) { return Math.min(a, b) * 100000L + Math.max(a, b); }
  static double dot(float[] a, float[] b) { double s = 0; for (int k = 0; k < a.length; k++) s += a[k] * b[k]; return s; }
}
