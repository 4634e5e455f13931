package dev.cnn.data;

import dev.cnn.tensor.Batch;
import dev.cnn.tensor.Rng;
import java.util.List;
import java.util.Locale;

/**
 * How fast the loader makes batches of 64 Fashion-MNIST-sized samples (1 x 28 x 28) with
 * augmentation on: a measurement, not a test. The consumer only touches each batch, so the rate
 * is what the loader's one thread can supply; compare with what training consumes (FashionNet:
 * about 2000-3000 images/s on 2 cores, i.e. 30-50 batches/s).
 *
 * <pre>
 *   cd data && mvn -q -o test-compile
 *   java -cp target/classes:target/test-classes:$HOME/.m2/repository/dev/cnn/cnn-tensor/0.1.0-SNAPSHOT/cnn-tensor-0.1.0-SNAPSHOT.jar \
 *       dev.cnn.data.LoaderThroughput [SPEC] [seconds]
 * </pre>
 *
 * SPEC defaults to {@code rotate=10,shift=0.1,zoom=0.1,hflip,fill=reflect,erase=0.25,crop=4}.
 */
public final class LoaderThroughput {
  private LoaderThroughput() {}

  public static void main(String[] args) {
    String spec = args.length > 0 ? args[0] : "rotate=10,shift=0.1,zoom=0.1,hflip,fill=reflect,erase=0.25,crop=4";
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    int n = 10_000;
    Rng rng = new Rng(1);
    float[] values = new float[n * 28 * 28];
    for (int i = 0; i < values.length; i++) values[i] = (float) rng.nextDouble();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = i % 10;
    Dataset data = new ArrayDataset(values, labels, new int[] {1, 28, 28}, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    for (String s : new String[] {"none", spec}) {
      Augmentation aug = Augmentation.parse(s);
      for (int prefetch : new int[] {0, 2}) {
        try (DataLoader loader = DataLoader.builder(data).batchSize(64).seed(3).augmentation(aug).prefetch(prefetch).build()) {
          run(loader, 1.0); // warm-up: let the JIT compile the paths
          double[] r = run(loader, seconds);
          System.out.printf(Locale.ROOT, "augment=%s prefetch=%d: %.0f batches/s (%.0f images/s), consumer waited %.0f%% of the time%n",
              s, prefetch, r[0], r[0] * 64, 100 * r[1]);
        }
      }
    }
  }

  /** {batches per second, fraction of the time spent waiting} over about {@code seconds}. */
  private static double[] run(DataLoader loader, double seconds) {
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    long batches = 0;
    long waited = 0;
    float sink = 0;
    while (System.nanoTime() < deadline) {
      DataLoader.Epoch e = loader.iterator();
      while (e.hasNext() && System.nanoTime() < deadline) {
        Batch b = e.next();
        sink += b.inputs().floatData()[0];
        batches++;
      }
      waited += e.waitNanos();
      e.close();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (sink == Float.MIN_VALUE) System.out.print("");
    return new double[] {batches / elapsed, waited / 1e9 / elapsed};
  }
}
