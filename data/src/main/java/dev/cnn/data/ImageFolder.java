package dev.cnn.data;

import dev.cnn.tensor.Log;
import dev.cnn.tensor.Rng;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * A dataset read from a directory tree {@code root/<class>/<image>}: each subdirectory of the
 * root is a class, each file in it an image of that class.
 *
 * <p><b>Layouts</b> ({@link Layout}). A root laid out as {@code root/<class>/<image>} is one pool
 * of images ({@link Layout#CLASSES}); {@link Builder#load()} reads all of them, and
 * {@link Builder#splits} draws a stratified test fraction from them. A root that holds
 * {@code train/} and {@code test/}, each laid out as {@code <class>/<image>}, comes with its split
 * (the torchvision and Keras layout, {@link Layout#TRAIN_TEST}): {@link Builder#splits} returns
 * those two folders as the train and test sets, and {@link Builder#loadTest()} reads all of
 * {@code test/}. Its other entries (a {@code val/} folder, a README) are ignored with a warning.
 * {@link #layout(Path)} tells which a root is.
 *
 * <p><b>Order.</b> Classes are the root's subdirectories sorted by name (Java's
 * {@link String#compareTo}, i.e. by UTF-16 code unit, so {@code "B" < "a"}); label k is the k-th.
 * Samples are class after class, each class's files sorted by name the same way. Names starting
 * with a dot are hidden and ignored; files directly in the root and subdirectories inside a class
 * folder are ignored with a warning.
 *
 * <p><b>Decoding.</b> Through {@code javax.imageio}: PNG, JPEG, BMP and GIF (and WBMP, TIFF)
 * with the JDK's own readers. Gray images (a gray colour model, 8 or 16 bits) are read from the
 * raster as stored, 16-bit values rounded to 8 bits; every other image through
 * {@link BufferedImage#getRGB}, i.e. converted to 8-bit sRGB. Alpha is ignored. An image counts
 * as gray when its colour model is gray or every pixel has R = G = B.
 *
 * <p><b>Channels</b> ({@link Channels}): AUTO (the default) gives {@code C = 1} when every image
 * is gray and {@code C = 3} (R, G, B planes) otherwise; GRAY converts colour with the ITU-R BT.601
 * luma {@code round(0.299 R + 0.587 G + 0.114 B)}; RGB repeats a gray value in all three planes.
 *
 * <p><b>Size.</b> Without {@link Builder#resize} every image must have the first image's size;
 * the error names the first file that differs. With it every image is resized by bilinear
 * interpolation with half-pixel centres (PyTorch's {@code interpolate(mode="bilinear",
 * align_corners=False)} without antialiasing; OpenCV's {@code INTER_LINEAR}): output pixel
 * {@code (y, x)} samples the input at {@code sy = (y + 0.5) * inH / outH - 0.5} (clamped to
 * {@code [0, inH - 1]}) and likewise {@code sx}, mixing the four nearest pixels, then rounds to 8
 * bits. Shrinking by more than 2x skips input pixels (aliasing); resize such images beforehand
 * with a filter if that matters.
 *
 * <p><b>Errors.</b> A missing root, a root without class folders, and an empty class folder fail
 * with the path. A file that cannot be decoded fails with its path, unless
 * {@link Builder#skipUnreadable} is on: then it is left out, counted ({@link #skipped()}), and one
 * log line gives the count (each file is logged at debug level); a class left with no readable
 * image is still an error. Pixels are stored as bytes ({@link ByteImageDataset}) and scaled to
 * [0, 1] on read.
 */
public final class ImageFolder extends ForwardingDataset {
  /** How many channels the images get. */
  public enum Channels {
    /** One if every image is gray, else three. */
    AUTO,
    /** One: colour converted to luma. */
    GRAY,
    /** Three: gray repeated. */
    RGB
  }

  /** How the images of a root are laid out (see the class comment). */
  public enum Layout {
    /** {@code root/<class>/<image>}: one pool of images, split by drawing a test fraction. */
    CLASSES,
    /** {@code root/train/<class>/<image>} and {@code root/test/<class>/<image>}: the split is given. */
    TRAIN_TEST
  }

  /**
   * A train and a test set read from one root, and where they came from.
   *
   * @param train the training images: {@code root/train}, or the root less the test draw
   * @param test the test images: {@code root/test}, or the stratified draw from the root
   * @param layout {@link Layout#TRAIN_TEST} when the root's own folders gave the split
   */
  public record TrainTest(Dataset train, Dataset test, Layout layout) {}

  /** The folder names of {@link Layout#TRAIN_TEST}. */
  static final String TRAIN = "train";
  static final String TEST = "test";

  private final List<Path> files;
  private final List<int[]> stored;
  private final int skipped;

  private ImageFolder(ByteImageDataset data, List<Path> files, List<int[]> stored, int skipped) {
    super(data);
    this.files = List.copyOf(files);
    this.stored = List.copyOf(stored);
    this.skipped = skipped;
  }

  /** Starts configuring a dataset read from {@code root}. */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /**
   * How {@code root} is laid out: {@link Layout#TRAIN_TEST} when it has the subfolders
   * {@code train} and {@code test} and each holds at least one folder (its classes), else
   * {@link Layout#CLASSES}. (Class folders named "train" and "test" hold image files, not
   * folders, so they are not mistaken for the split.)
   *
   * @throws IOException if {@code root} is missing or not a directory
   */
  public static Layout layout(Path root) throws IOException {
    checkRoot(root);
    return holdsFolders(root.resolve(TRAIN)) && holdsFolders(root.resolve(TEST)) ? Layout.TRAIN_TEST : Layout.CLASSES;
  }

  private static boolean holdsFolders(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return false;
    for (Path p : sortedEntries(dir)) if (Files.isDirectory(p)) return true;
    return false;
  }

  private static void checkRoot(Path root) throws IOException {
    if (!Files.exists(root)) {
      throw new IOException(root + ": no such directory; expected an image folder laid out as root/<class>/<image>"
          + " or root/train/<class>/<image> and root/test/<class>/<image>");
    }
    if (!Files.isDirectory(root)) {
      throw new IOException(root + ": not a directory; expected an image folder laid out as root/<class>/<image>"
          + " or root/train/<class>/<image> and root/test/<class>/<image>");
    }
  }

  /** Options of an image folder; {@link #load()} reads it. */
  public static final class Builder {
    private final Path root;
    private Channels channels = Channels.AUTO;
    private int height = -1;
    private int width = -1;
    private boolean skipUnreadable;

    private Builder(Path root) {
      if (root == null) throw new IllegalArgumentException("ImageFolder: root is null; expected a directory");
      this.root = root;
    }

    /** Channels of the result (default AUTO). */
    public Builder channels(Channels channels) {
      if (channels == null) throw new IllegalArgumentException("ImageFolder: channels is null; expected AUTO, GRAY or RGB");
      this.channels = channels;
      return this;
    }

    /** Resizes every image to {@code height x width} (bilinear, see the class comment). */
    public Builder resize(int height, int width) {
      if (height < 1 || width < 1) {
        throw new IllegalArgumentException("ImageFolder.resize: " + height + " x " + width + "; expected height and width >= 1");
      }
      this.height = height;
      this.width = width;
      return this;
    }

    /** Whether a file that cannot be decoded is skipped and counted (true) or is an error (false, the default). */
    public Builder skipUnreadable(boolean skip) {
      this.skipUnreadable = skip;
      return this;
    }

    /**
     * Reads every image of a {@link Layout#CLASSES} root as one dataset (nothing is split off:
     * for evaluating on all images of a test folder, or splitting by other means).
     *
     * @throws IOException naming the path: a missing root, no class folders, an empty class
     *     folder, an unreadable image (unless skipped), a size that differs (without resize), or
     *     a {@link Layout#TRAIN_TEST} root (whose "classes" would be train and test)
     */
    public ImageFolder load() throws IOException {
      if (layout(root) == Layout.TRAIN_TEST) {
        throw new IOException(root + " holds train/ and test/ folders of classes (the train/test layout), not"
            + " one folder per class; read both with ImageFolder.Builder.splits, all test images with loadTest(),"
            + " or give " + root.resolve(TRAIN) + " or " + root.resolve(TEST) + " as the root");
      }
      return ImageFolder.load(this, root, channels);
    }

    /**
     * Reads every test image, with nothing split off: all of {@code root/test} for a
     * {@link Layout#TRAIN_TEST} root, all of the root for a {@link Layout#CLASSES} root (then
     * taken as a folder of test images). For evaluating a trained model.
     *
     * @throws IOException as {@link #load()}
     */
    public ImageFolder loadTest() throws IOException {
      Path dir = layout(root) == Layout.TRAIN_TEST ? root.resolve(TEST) : root;
      return ImageFolder.load(this, dir, channels);
    }

    /**
     * A train and a test set. For a {@link Layout#TRAIN_TEST} root they are {@code root/train}
     * and {@code root/test}, read with these options ({@code testFraction} and {@code rng} are
     * not used); both must have the same class folders, and without {@link #resize} the same
     * image size. With {@link Channels#AUTO}, when one folder is all gray and the other is not,
     * the gray one is read again as RGB so that both have three channels. For a
     * {@link Layout#CLASSES} root, every image is read and a stratified {@code testFraction} of
     * each class becomes the test set ({@link Splits#stratified}, drawn from {@code rng}).
     *
     * @param testFraction the share of each class drawn into the test set of a CLASSES root, in (0, 1)
     * @param rng the generator of that draw
     * @throws IOException naming the path: what {@link #load()} reports, or train and test
     *     folders whose classes or image sizes differ
     * @throws IllegalArgumentException if {@code testFraction} is not in (0, 1)
     */
    public TrainTest splits(double testFraction, Rng rng) throws IOException {
      if (!(testFraction > 0 && testFraction < 1)) {
        throw new IllegalArgumentException("ImageFolder.splits: testFraction = " + testFraction + "; expected a value"
            + " in (0, 1), e.g. 0.2");
      }
      if (rng == null) throw new IllegalArgumentException("ImageFolder.splits: rng is null; expected a generator");
      if (layout(root) == Layout.CLASSES) {
        ImageFolder all = ImageFolder.load(this, root, channels);
        Splits.Split split = Splits.stratified(all.labels(), testFraction, rng);
        return new TrainTest(all.subset(split.train()), all.subset(split.validation()), Layout.CLASSES);
      }
      for (Path p : sortedEntries(root)) {
        String n = p.getFileName().toString();
        if (!n.equals(TRAIN) && !n.equals(TEST)) {
          Log.warn("image folder: ignoring " + p + ": a train/test root uses only its train and test folders");
        }
      }
      Path trainDir = root.resolve(TRAIN), testDir = root.resolve(TEST);
      ImageFolder train = ImageFolder.load(this, trainDir, channels);
      ImageFolder test = ImageFolder.load(this, testDir, channels);
      if (!train.classNames().equals(test.classNames())) {
        List<String> onlyTrain = new ArrayList<>(train.classNames());
        onlyTrain.removeAll(test.classNames());
        List<String> onlyTest = new ArrayList<>(test.classNames());
        onlyTest.removeAll(train.classNames());
        throw new IOException(root + ": the class folders of train/ and test/ differ (only in train: " + onlyTrain
            + ", only in test: " + onlyTest + "); expected the same classes in both, so that a label means the"
            + " same class (add the missing folders, or remove the extra ones)");
      }
      int[] a = train.sampleShape(), b = test.sampleShape();
      if (channels == Channels.AUTO && a[0] != b[0]) {
        if (a[0] == 1) train = ImageFolder.load(this, trainDir, Channels.RGB);
        else test = ImageFolder.load(this, testDir, Channels.RGB);
        a = train.sampleShape();
        b = test.sampleShape();
      }
      if (a[1] != b[1] || a[2] != b[2]) {
        throw new IOException(testDir + ": images are " + b[1] + " x " + b[2] + " (height x width), but those of "
            + trainDir + " are " + a[1] + " x " + a[2] + "; both splits must share one size: ask for resizing"
            + " (ImageFolder.Builder.resize) or resize the files");
      }
      return new TrainTest(train, test, Layout.TRAIN_TEST);
    }
  }

  /** One decoded image: {@code c} planes (1 or 3) of {@code h x w} bytes. */
  private record Decoded(byte[] pixels, int c, int h, int w) {}

  /** Reads {@code root/<class>/<image>} with the options of {@code opt} but {@code channelsWanted}. */
  private static ImageFolder load(Builder opt, Path root, Channels channelsWanted) throws IOException {
    checkRoot(root);
    List<Path> classDirs = new ArrayList<>();
    for (Path p : sortedEntries(root)) {
      if (Files.isDirectory(p)) {
        classDirs.add(p);
      } else {
        Log.warn("image folder: ignoring " + p + ": files directly in the root belong to no class");
      }
    }
    if (classDirs.isEmpty()) {
      throw new IOException(root + ": no class folders; expected one subdirectory per class holding its images"
          + " (root/<class>/<image>)");
    }
    List<String> classNames = new ArrayList<>();
    List<Decoded> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<int[]> stored = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    Path firstFile = null;
    Decoded first = null;
    for (int k = 0; k < classDirs.size(); k++) {
      Path dir = classDirs.get(k);
      classNames.add(dir.getFileName().toString());
      List<Path> entries = new ArrayList<>();
      for (Path p : sortedEntries(dir)) {
        if (Files.isRegularFile(p)) {
          entries.add(p);
        } else {
          Log.warn("image folder: ignoring " + p + ": subfolders of a class folder are not searched");
        }
      }
      if (entries.isEmpty()) {
        throw new IOException(dir + ": class folder '" + dir.getFileName() + "' holds no image files; expected at"
            + " least one (remove the folder if the class is not wanted)");
      }
      int readable = 0;
      for (Path file : entries) {
        Decoded d;
        try {
          d = decode(file);
        } catch (IOException e) {
          if (!opt.skipUnreadable) {
            throw new IOException(e.getMessage() + "; remove the file, or skip unreadable files (skipUnreadable)", e);
          }
          unreadable.add(e.getMessage());
          Log.debug("image folder: skipped " + e.getMessage());
          continue;
        }
        stored.add(new int[] {d.c(), d.h(), d.w()});
        if (opt.height < 0) {
          if (first == null) {
            first = d;
            firstFile = file;
          } else if (d.h() != first.h() || d.w() != first.w()) {
            throw new IOException(file + ": image is " + d.h() + " pixels high and " + d.w() + " wide, but the first"
                + " image, " + firstFile + ", is " + first.h() + " x " + first.w() + " (height x width); all images"
                + " must share one size: ask for resizing (ImageFolder.Builder.resize) or resize the files");
          }
        } else if (d.h() != opt.height || d.w() != opt.width) {
          d = resize(d, opt.height, opt.width);
        }
        images.add(d);
        labels.add(k);
        files.add(file);
        readable++;
      }
      if (readable == 0) {
        throw new IOException(dir + ": class folder '" + dir.getFileName() + "' has no readable image ("
            + entries.size() + " unreadable files skipped)");
      }
    }
    if (!unreadable.isEmpty()) {
      Log.info("image folder " + root + ": skipped " + unreadable.size() + " unreadable file"
          + (unreadable.size() == 1 ? "" : "s") + " (first: " + unreadable.get(0) + ")");
    }
    int c;
    switch (channelsWanted) {
      case GRAY:
        c = 1;
        break;
      case RGB:
        c = 3;
        break;
      default:
        c = images.stream().allMatch(d -> d.c() == 1) ? 1 : 3;
    }
    int h = images.get(0).h();
    int w = images.get(0).w();
    long total = (long) images.size() * c * h * w;
    if (total > Idx.MAX_ARRAY) {
      throw new IOException(root + ": " + images.size() + " images of " + c + " x " + h + " x " + w + " make " + total
          + " bytes, more than one Java array holds (" + Idx.MAX_ARRAY + "); resize them smaller or split the folder");
    }
    byte[] pixels = new byte[(int) total];
    int[] lab = new int[images.size()];
    int plane = h * w;
    for (int i = 0; i < images.size(); i++) {
      Decoded d = images.get(i);
      images.set(i, null); // let the decoded copy go as soon as it is packed
      lab[i] = labels.get(i);
      toChannels(d, c, pixels, i * c * plane);
    }
    ByteImageDataset data = new ByteImageDataset(pixels, lab, new int[] {c, h, w}, classNames);
    Log.debug("image folder " + root + ": " + lab.length + " images of " + c + "x" + h + "x" + w + " in "
        + classNames.size() + " classes");
    return new ImageFolder(data, files, stored, unreadable.size());
  }

  private static List<Path> sortedEntries(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (!p.getFileName().toString().startsWith(".")) out.add(p);
      }
    }
    Collections.sort(out, (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    return out;
  }

  /**
   * Writes a decoded image's pixels with c channels into dst at base: as they are, gray copied to
   * each of R, G and B, or RGB to gray by BT.601 luma (0.299 R + 0.587 G + 0.114 B, rounded).
   */
  private static void toChannels(Decoded d, int c, byte[] dst, int base) {
    int plane = d.h() * d.w();
    if (d.c() == c) {
      System.arraycopy(d.pixels(), 0, dst, base, c * plane);
    } else if (c == 3) { // gray -> RGB
      for (int ch = 0; ch < 3; ch++) System.arraycopy(d.pixels(), 0, dst, base + ch * plane, plane);
    } else { // RGB -> gray (BT.601 luma)
      byte[] s = d.pixels();
      for (int p = 0; p < plane; p++) {
        double y = 0.299 * (s[p] & 0xFF) + 0.587 * (s[plane + p] & 0xFF) + 0.114 * (s[2 * plane + p] & 0xFF);
        dst[base + p] = (byte) Math.min(255, (int) Math.round(y));
      }
    }
  }

  /**
   * One image as a model's input sample: {@code [C, H, W]} floats in [0, 1], made exactly as a
   * folder's images are when it is loaded with {@code resize(H, W)} and C channels: bilinear
   * resizing with half-pixel centres (when the size differs), the channel conversion of
   * {@link Channels}, and each byte v becoming {@code v / 255f}. So a model trained on an image
   * folder sees a new image as it saw the training images.
   *
   * @param shape {@code [C, H, W]} with C 1 (gray) or 3 (RGB) and H, W >= 1: the model's input shape
   * @throws IllegalArgumentException if the shape is not such a shape
   */
  public static float[] toSample(BufferedImage image, int[] shape) {
    if (image == null) throw new IllegalArgumentException("ImageFolder.toSample: image is null");
    checkSampleShape(shape);
    return sample(decoded(image), shape);
  }

  /**
   * {@link #toSample} for an image file (PNG, JPEG, BMP, GIF: what javax.imageio reads).
   *
   * @throws IOException naming the file when it cannot be read or decoded as an image
   */
  public static float[] readSample(Path file, int[] shape) throws IOException {
    checkSampleShape(shape);
    return sample(decode(file), shape);
  }

  private static void checkSampleShape(int[] shape) {
    if (shape == null || shape.length != 3 || (shape[0] != 1 && shape[0] != 3) || shape[1] < 1 || shape[2] < 1) {
      throw new IllegalArgumentException("an image sample has shape [C, H, W] with C = 1 (gray) or 3 (RGB) and H, W"
          + " >= 1; got " + java.util.Arrays.toString(shape) + " (a model's inputShape() for images)");
    }
  }

  private static float[] sample(Decoded d, int[] shape) {
    int c = shape[0], h = shape[1], w = shape[2];
    if (d.h() != h || d.w() != w) d = resize(d, h, w);
    byte[] bytes = new byte[c * h * w];
    toChannels(d, c, bytes, 0);
    float[] out = new float[bytes.length];
    for (int i = 0; i < out.length; i++) out[i] = ByteImageDataset.toFloat(bytes[i]);
    return out;
  }

  /** Decodes one file; an IOException's message starts with the path and says why. */
  private static Decoded decode(Path file) throws IOException {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) { // corrupt files make some readers throw unchecked exceptions
      throw new IOException(file + ": cannot be decoded as an image (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }
    if (img == null) {
      throw new IOException(file + ": not an image format javax.imageio can read (PNG, JPEG, BMP, GIF are)");
    }
    return decoded(img);
  }

  /** An image's pixels as bytes: gray (1 channel) when it is gray, else RGB planes. */
  private static Decoded decoded(BufferedImage img) {
    int h = img.getHeight();
    int w = img.getWidth();
    int plane = h * w;
    ColorModel cm = img.getColorModel();
    Raster raster = img.getRaster();
    if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      // Read gray samples as stored: getRGB would convert linear gray to sRGB and change the values.
      int bits = cm.getComponentSize(0);
      double max = (1L << bits) - 1;
      byte[] g = new byte[plane];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int s = raster.getSample(x, y, 0);
          g[y * w + x] = (byte) (bits == 8 ? s : (int) Math.round(s * 255.0 / max));
        }
      }
      return new Decoded(g, 1, h, w);
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    boolean gray = true;
    for (int v : argb) {
      int r = (v >>> 16) & 0xFF;
      if (r != ((v >>> 8) & 0xFF) || r != (v & 0xFF)) {
        gray = false;
        break;
      }
    }
    if (gray) {
      byte[] g = new byte[plane];
      for (int p = 0; p < plane; p++) g[p] = (byte) (argb[p] >>> 16);
      return new Decoded(g, 1, h, w);
    }
    byte[] rgb = new byte[3 * plane];
    for (int p = 0; p < plane; p++) {
      int v = argb[p];
      rgb[p] = (byte) (v >>> 16);
      rgb[plane + p] = (byte) (v >>> 8);
      rgb[2 * plane + p] = (byte) v;
    }
    return new Decoded(rgb, 3, h, w);
  }

  /** Bilinear resize with half-pixel centres (see the class comment), each plane separately. */
  static byte[] resizeBilinear(byte[] src, int c, int inH, int inW, int outH, int outW) {
    int[] y0 = new int[outH];
    int[] y1 = new int[outH];
    double[] fy = new double[outH];
    sourceIndices(inH, outH, y0, y1, fy);
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    double[] fx = new double[outW];
    sourceIndices(inW, outW, x0, x1, fx);
    byte[] out = new byte[c * outH * outW];
    for (int ch = 0; ch < c; ch++) {
      int s = ch * inH * inW;
      int d = ch * outH * outW;
      for (int y = 0; y < outH; y++) {
        int r0 = s + y0[y] * inW;
        int r1 = s + y1[y] * inW;
        for (int x = 0; x < outW; x++) {
          double top = (1 - fx[x]) * (src[r0 + x0[x]] & 0xFF) + fx[x] * (src[r0 + x1[x]] & 0xFF);
          double bottom = (1 - fx[x]) * (src[r1 + x0[x]] & 0xFF) + fx[x] * (src[r1 + x1[x]] & 0xFF);
          double v = (1 - fy[y]) * top + fy[y] * bottom;
          out[d + y * outW + x] = (byte) Math.min(255, (int) Math.round(v));
        }
      }
    }
    return out;
  }

  private static void sourceIndices(int in, int out, int[] i0, int[] i1, double[] frac) {
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      double s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), in - 1);
      int lo = (int) Math.floor(s);
      i0[o] = lo;
      i1[o] = Math.min(lo + 1, in - 1);
      frac[o] = s - lo;
    }
  }

  private static Decoded resize(Decoded d, int h, int w) {
    return new Decoded(resizeBilinear(d.pixels(), d.c(), d.h(), d.w(), h, w), d.c(), h, w);
  }

  /** The file sample i was read from. */
  public Path file(int i) {
    return files.get(i);
  }

  /** The file sample i was read from, as a path string. */
  @Override
  public Optional<String> source(int i) {
    return Optional.of(files.get(i).toString());
  }

  /** The shape {@code [C, H, W]} of file i as decoded, before resizing and channel conversion. */
  @Override
  public Optional<int[]> storedShape(int i) {
    return Optional.of(stored.get(i).clone());
  }

  /** The number of unreadable files left out (always 0 unless skipping was asked for). */
  public int skipped() {
    return skipped;
  }
}
