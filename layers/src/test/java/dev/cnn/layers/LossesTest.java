package dev.cnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.engine.Ops;
import dev.cnn.engine.Variable;
import dev.cnn.tensor.DType;
import dev.cnn.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Known answers computed by hand, relations between reductions and options, and every rejected
 * input. The tiny batch has 2 samples and 3 classes, with logits chosen so that the
 * probabilities are simple fractions: row 0 is {@code [0, 0, 0]} (p = 1/3 each) and row 1 is
 * {@code [0, ln 2, ln 5]} (p = 1/8, 2/8, 5/8); the labels are {@code [0, 2]}.
 */
class LossesTest {
  private static final double TOL = 1e-12;
  private static final double LN3 = Math.log(3), LN8 = Math.log(8), LN4 = Math.log(4), LN16 = Math.log(1.6);
  private static final int[] LABELS = {0, 2};
  /** p_ik of the tiny batch. */
  private static final double[][] P = {{1 / 3.0, 1 / 3.0, 1 / 3.0}, {1 / 8.0, 2 / 8.0, 5 / 8.0}};

  private static Variable tinyLogits() {
    return Variable.leaf(Tensor.of(new double[] {0, 0, 0, 0, Math.log(2), Math.log(5)}, 2, 3), true);
  }

  private static void assertValues(double[] expected, Variable actual) {
    assertArrayEquals(expected, actual.value().toDoubleArray(), TOL);
  }

  /** Backward from a scalar loss; returns dL/dlogits flattened. */
  private static double[] gradient(Variable logits, Variable loss) {
    loss.backward();
    return logits.grad().toDoubleArray();
  }

  @Nested
  class CrossEntropyKnownAnswers {
    @Test
    void plainEveryReduction() {
      double l0 = LN3, l1 = LN16; // -log p_{i,y_i}
      assertValues(new double[] {l0, l1}, CrossEntropyLoss.builder().reduction(Reduction.NONE).build()
          .compute(tinyLogits(), LABELS));
      assertValues(new double[] {l0 + l1}, CrossEntropyLoss.builder().reduction(Reduction.SUM).build()
          .compute(tinyLogits(), LABELS));
      assertValues(new double[] {(l0 + l1) / 2}, CrossEntropyLoss.of().compute(tinyLogits(), LABELS));
      assertValues(new double[] {(l0 + l1) / 2}, CrossEntropyLoss.builder().reduction(Reduction.BATCH_MEAN).build()
          .compute(tinyLogits(), LABELS));
    }

    @Test
    void plainMeanGradientIsSoftmaxMinusOneHotOverN() {
      Variable x = tinyLogits();
      double[] g = gradient(x, CrossEntropyLoss.of().compute(x, LABELS));
      double[] expected = {(P[0][0] - 1) / 2, P[0][1] / 2, P[0][2] / 2, P[1][0] / 2, P[1][1] / 2, (P[1][2] - 1) / 2};
      assertArrayEquals(expected, g, TOL);
    }

    @Test
    void classWeightsEveryReduction() {
      double[] w = {1, 2, 3};
      double l0 = 1 * LN3, l1 = 3 * LN16; // w_{y_i} * -log p_{i,y_i}
      CrossEntropyLoss.Builder b = CrossEntropyLoss.builder().classWeights(w);
      assertValues(new double[] {l0, l1}, b.reduction(Reduction.NONE).build().compute(tinyLogits(), LABELS));
      assertValues(new double[] {l0 + l1}, b.reduction(Reduction.SUM).build().compute(tinyLogits(), LABELS));
      // PyTorch: divided by w_0 + w_2 = 4
      assertValues(new double[] {(l0 + l1) / 4}, b.reduction(Reduction.MEAN).build().compute(tinyLogits(), LABELS));
      // Keras: divided by N = 2
      assertValues(new double[] {(l0 + l1) / 2}, b.reduction(Reduction.BATCH_MEAN).build().compute(tinyLogits(), LABELS));
    }

    @Test
    void labelSmoothing() {
      // l_i = (1 - eps) (-log p_{i,y_i}) + eps/K sum_k (-log p_ik), eps = 0.3, K = 3
      double l0 = 0.7 * LN3 + 0.1 * 3 * LN3;
      double l1 = 0.7 * LN16 + 0.1 * (LN8 + LN4 + LN16);
      assertValues(new double[] {l0, l1}, CrossEntropyLoss.builder().labelSmoothing(0.3).reduction(Reduction.NONE)
          .build().compute(tinyLogits(), LABELS));
      assertValues(new double[] {(l0 + l1) / 2}, CrossEntropyLoss.builder().labelSmoothing(0.3).build()
          .compute(tinyLogits(), LABELS));
    }

    @Test
    void labelSmoothingWithClassWeightsWeighsEachClassByItsOwnWeight() {
      // PyTorch: l_i = (1 - eps) w_{y_i} (-log p_{i,y_i}) + eps/K sum_k w_k (-log p_ik)
      double[] w = {1, 2, 3};
      double l0 = 0.7 * 1 * LN3 + 0.1 * (1 + 2 + 3) * LN3;
      double l1 = 0.7 * 3 * LN16 + 0.1 * (1 * LN8 + 2 * LN4 + 3 * LN16);
      CrossEntropyLoss.Builder b = CrossEntropyLoss.builder().classWeights(w).labelSmoothing(0.3);
      assertValues(new double[] {l0, l1}, b.reduction(Reduction.NONE).build().compute(tinyLogits(), LABELS));
      // the MEAN divisor stays sum_i w_{y_i} = 4 with smoothing
      assertValues(new double[] {(l0 + l1) / 4}, b.reduction(Reduction.MEAN).build().compute(tinyLogits(), LABELS));
    }

    @Test
    void sampleWeights() {
      double[] s = {2, 0.5};
      double[] w = {1, 2, 3};
      CrossEntropyLoss plain = CrossEntropyLoss.builder().reduction(Reduction.NONE).build();
      assertValues(new double[] {2 * LN3, 0.5 * LN16}, plain.compute(tinyLogits(), LABELS, s));
      assertValues(new double[] {(2 * LN3 + 0.5 * LN16) / 2.5}, CrossEntropyLoss.of().compute(tinyLogits(), LABELS, s));
      // MEAN divisor sum_i s_i w_{y_i} = 2 * 1 + 0.5 * 3
      CrossEntropyLoss weighted = CrossEntropyLoss.builder().classWeights(w).build();
      assertValues(new double[] {(2 * 1 * LN3 + 0.5 * 3 * LN16) / 3.5}, weighted.compute(tinyLogits(), LABELS, s));
      CrossEntropyLoss batchMean = CrossEntropyLoss.builder().classWeights(w).reduction(Reduction.BATCH_MEAN).build();
      assertValues(new double[] {(2 * 1 * LN3 + 0.5 * 3 * LN16) / 2}, batchMean.compute(tinyLogits(), LABELS, s));
    }

    @Test
    void unitSampleWeightsChangeNothing() {
      CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(1, 2, 3).labelSmoothing(0.2).build();
      assertArrayEquals(loss.compute(tinyLogits(), LABELS).value().toDoubleArray(),
          loss.compute(tinyLogits(), LABELS, new double[] {1, 1}).value().toDoubleArray(), TOL);
    }

    @Test
    void meanAndBatchMeanDifferByTheWeightSumOverN() {
      double[] w = {0.5, 2, 3};
      double[] s = {1.5, 0.25};
      double factor = (1.5 * 0.5 + 0.25 * 3) / 2; // sum_i s_i w_{y_i} / N
      Variable xm = tinyLogits(), xb = tinyLogits();
      Variable mean = CrossEntropyLoss.builder().classWeights(w).build().compute(xm, LABELS, s);
      Variable batchMean = CrossEntropyLoss.builder().classWeights(w).reduction(Reduction.BATCH_MEAN).build()
          .compute(xb, LABELS, s);
      assertEquals(batchMean.value().getFlat(0), mean.value().getFlat(0) * factor, TOL);
      double[] gm = gradient(xm, mean), gb = gradient(xb, batchMean);
      for (int e = 0; e < gm.length; e++) assertEquals(gb[e], gm[e] * factor, TOL);
    }

    /**
     * A shared bias b [K] added to zero logits, labels {0, 1}: without weights the gradient
     * treats classes 0 and 1 alike; weighting class 0 by 3 makes gradient descent raise class 0's
     * bias more than class 1's (SUM: dL/db = 3 (p - e_0) + (p - e_1) = [-5/3, 1/3, 4/3]).
     */
    @Test
    void classWeightsPullTheGradientTowardTheWeightedClass() {
      int[] y = {0, 1};
      double[] unweighted = biasGradient(CrossEntropyLoss.builder().reduction(Reduction.SUM).build(), y);
      assertArrayEquals(new double[] {-1 / 3.0, -1 / 3.0, 2 / 3.0}, unweighted, TOL);
      double[] weighted = biasGradient(CrossEntropyLoss.builder().classWeights(3, 1, 1).reduction(Reduction.SUM).build(), y);
      assertArrayEquals(new double[] {-5 / 3.0, 1 / 3.0, 4 / 3.0}, weighted, TOL);
      // MEAN divides by 3 + 1 = 4 and keeps the direction
      double[] mean = biasGradient(CrossEntropyLoss.builder().classWeights(3, 1, 1).build(), y);
      assertArrayEquals(new double[] {-5 / 12.0, 1 / 12.0, 4 / 12.0}, mean, TOL);
      assertTrue(-mean[0] > -mean[1], "descent raises the weighted class 0 above class 1");
    }

    private double[] biasGradient(ClassificationLoss loss, int[] y) {
      Variable bias = Variable.parameter(Tensor.zeros(DType.FLOAT64, 3), "bias");
      Variable logits = Ops.add(Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3)), bias);
      loss.compute(logits, y).backward();
      return bias.grad().toDoubleArray();
    }

    @Test
    void float32LogitsGiveAFloat32LossAndStayFiniteForLargeLogits() {
      Variable x = Variable.leaf(Tensor.of(new float[] {1000, 0, -1000, 3, 1, 2}, 2, 3), true);
      Variable loss = CrossEntropyLoss.builder().labelSmoothing(0.1).reduction(Reduction.NONE).build()
          .compute(x, new int[] {2, 0});
      assertEquals(DType.FLOAT32, loss.dtype());
      // row 0: log p = [0, -1000, -2000]; l = 0.9 * 2000 + 0.1/3 * 3000
      assertEquals(0.9 * 2000 + 0.1 / 3 * 3000, loss.value().getFlat(0), 1e-3);
      loss.backward(Tensor.full(DType.FLOAT32, 1, 2), false);
      for (double v : x.grad().toDoubleArray()) assertTrue(Double.isFinite(v), "finite gradient");
    }

    @Test
    void inputsAreNotModified() {
      double[] w = {1, 2, 3};
      double[] s = {2, 0.5};
      int[] y = LABELS.clone();
      CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(w).labelSmoothing(0.1).build();
      w[0] = 100; // the builder copied the weights
      Variable x = tinyLogits();
      double[] before = x.value().toDoubleArray();
      loss.compute(x, y, s).backward();
      assertArrayEquals(new double[] {1, 2, 3}, loss.classWeights());
      assertArrayEquals(new double[] {2, 0.5}, s);
      assertArrayEquals(LABELS, y);
      assertArrayEquals(before, x.value().toDoubleArray());
    }
  }

  @Nested
  class FocalKnownAnswers {
    @Test
    void gammaTwoWithAlpha() {
      double[] alpha = {0.25, 0.5, 1};
      // FL_i = -alpha_{y_i} (1 - p_{i,y_i})^2 log p_{i,y_i}
      double f0 = 0.25 * Math.pow(2 / 3.0, 2) * LN3, f1 = 1 * Math.pow(3 / 8.0, 2) * LN16;
      FocalLoss.Builder b = FocalLoss.builder().gamma(2).alpha(alpha);
      assertValues(new double[] {f0, f1}, b.reduction(Reduction.NONE).build().compute(tinyLogits(), LABELS));
      assertValues(new double[] {f0 + f1}, b.reduction(Reduction.SUM).build().compute(tinyLogits(), LABELS));
      assertValues(new double[] {(f0 + f1) / 1.25}, b.reduction(Reduction.MEAN).build().compute(tinyLogits(), LABELS));
      assertValues(new double[] {(f0 + f1) / 2}, b.reduction(Reduction.BATCH_MEAN).build().compute(tinyLogits(), LABELS));
      assertValues(new double[] {(2 * f0 + 0.5 * f1) / (2 * 0.25 + 0.5 * 1)},
          b.reduction(Reduction.MEAN).build().compute(tinyLogits(), LABELS, new double[] {2, 0.5}));
    }

    @Test
    void gradientOfOneSampleMatchesTheClosedForm() {
      // FL = -q^g log p_y with q = 1 - p_y, dp_y/dz_k = p_y ([k=y] - p_k), d log p_y/dz_k = [k=y] - p_k:
      // dFL/dz_k = g q^(g-1) log p_y dp_y/dz_k + q^g (p_k - [k=y])
      double g = 1.5;
      Variable x = Variable.leaf(Tensor.of(new double[] {0, Math.log(2), Math.log(5)}, 1, 3), true);
      double[] grad = gradient(x, FocalLoss.of(g).compute(x, new int[] {2}));
      double[] p = P[1];
      double py = p[2], q = 1 - py, lp = Math.log(py);
      for (int k = 0; k < 3; k++) {
        double delta = k == 2 ? 1 : 0;
        double dPyDz = py * (delta - p[k]);
        double expected = g * Math.pow(q, g - 1) * lp * dPyDz + Math.pow(q, g) * (p[k] - delta);
        assertEquals(expected, grad[k], TOL, "dFL/dz_" + k);
      }
    }

    @Test
    void gammaZeroWithoutAlphaIsCrossEntropy() {
      for (Reduction r : Reduction.values()) {
        Variable xf = tinyLogits(), xc = tinyLogits();
        Variable f = FocalLoss.builder().gamma(0).reduction(r).build().compute(xf, LABELS);
        Variable c = CrossEntropyLoss.builder().reduction(r).build().compute(xc, LABELS);
        assertArrayEquals(c.value().toDoubleArray(), f.value().toDoubleArray(), TOL, r.name());
        f.backward(Tensor.full(DType.FLOAT64, 1, f.shape()), false);
        c.backward(Tensor.full(DType.FLOAT64, 1, c.shape()), false);
        assertArrayEquals(xc.grad().toDoubleArray(), xf.grad().toDoubleArray(), TOL, r.name());
      }
    }

    /**
     * A margin of 20 makes 1 - p_y = 4e-9, below float32's rounding of 1: the subtraction 1 - p_y
     * would be exactly 0, and for gamma < 1 the factor's derivative infinite, so the gradient
     * would be NaN. The sum of the other probabilities keeps it finite, up to margins of about 100.
     */
    @Test
    void confidentSamplesKeepAFiniteGradientInFloat32() {
      for (double gamma : new double[] {0.5, 1, 2}) {
        for (float margin : new float[] {20, 50, 80}) {
          Variable x = Variable.leaf(Tensor.of(new float[] {margin, 0, -1}, 1, 3), true);
          Variable loss = FocalLoss.of(gamma).compute(x, new int[] {0});
          double q = (Math.exp(-margin) + Math.exp(-margin - 1)) / (1 + Math.exp(-margin) + Math.exp(-margin - 1));
          assertEquals(Math.pow(q, gamma) * -Math.log1p(-q), loss.value().getFlat(0), 1e-7, "value");
          loss.backward();
          for (double g : x.grad().toDoubleArray()) {
            assertTrue(Double.isFinite(g), "gamma " + gamma + ", margin " + margin + ": gradient " + g);
          }
        }
      }
    }
  }

  @Nested
  class ElementwiseKnownAnswers {
    @Test
    void binaryCrossEntropyWithPosWeight() {
      // x = [0, ln 3], y = [1, 0], pw = 2: l = [2 softplus(0), softplus(ln 3)] = [2 ln 2, ln 4]
      Variable x = Variable.leaf(Tensor.of(new double[] {0, Math.log(3)}, 2), true);
      Tensor y = Tensor.of(new double[] {1, 0}, 2);
      BinaryCrossEntropyLoss.Builder b = BinaryCrossEntropyLoss.builder().posWeight(2);
      assertValues(new double[] {2 * Math.log(2), LN4}, b.reduction(Reduction.NONE).build().compute(x, y));
      Variable mean = b.reduction(Reduction.MEAN).build().compute(x, y);
      assertValues(new double[] {2 * Math.log(2)}, mean);
      // dl/dx = (1 - y) sigmoid(x) - pw y (1 - sigmoid(x)), over 2 elements
      assertArrayEquals(new double[] {-2 * 0.5 / 2, 0.75 / 2}, gradient(x, mean), TOL);
    }

    @Test
    void binaryCrossEntropyPerClassPosWeightBroadcastsOverTheLastAxis() {
      // [2, 2] logits of 0, targets all 1, pw = [3, 5]: l = pw_k ln 2
      Variable x = Variable.leaf(Tensor.zeros(DType.FLOAT64, 2, 2), true);
      Tensor y = Tensor.full(DType.FLOAT64, 1, 2, 2);
      Variable l = BinaryCrossEntropyLoss.builder().posWeight(new double[] {3, 5}).reduction(Reduction.NONE).build()
          .compute(x, y);
      double ln2 = Math.log(2);
      assertValues(new double[] {3 * ln2, 5 * ln2, 3 * ln2, 5 * ln2}, l);
      assertArrayEquals(new int[] {2, 2}, l.shape());
    }

    @Test
    void mse() {
      Variable x = Variable.leaf(Tensor.of(new double[] {1, 2, 3}, 3), true);
      Tensor t = Tensor.of(new double[] {1, 0, 0}, 3);
      assertValues(new double[] {0, 4, 9}, MseLoss.of(Reduction.NONE).compute(x, t));
      assertValues(new double[] {13}, MseLoss.of(Reduction.SUM).compute(x, t));
      assertValues(new double[] {13 / 3.0}, MseLoss.of(Reduction.BATCH_MEAN).compute(x, t));
      Variable mean = MseLoss.of().compute(x, t);
      assertValues(new double[] {13 / 3.0}, mean);
      assertArrayEquals(new double[] {0, 4 / 3.0, 2}, gradient(x, mean), TOL);
    }

    @Test
    void aFloat32TargetIsConvertedToTheInputsDtype() {
      Variable x = Variable.leaf(Tensor.of(new double[] {0.5, -0.5}, 2), true);
      Variable l = MseLoss.of().compute(x, Tensor.of(new float[] {0.25f, 0.25f}, 2));
      assertEquals(DType.FLOAT64, l.dtype());
      assertEquals((0.0625 + 0.5625) / 2, l.value().getFlat(0), TOL);
    }
  }

  @Nested
  class ClassWeightsTest {
    @Test
    void balancedMatchesScikitLearn() {
      // n = 6, K = 4, counts [3, 1, 2, 0]: w_c = 6 / (4 count_c); class 3 has no samples: 0
      ClassWeights w = ClassWeights.balanced(new int[] {0, 2, 0, 1, 2, 0}, 4);
      assertArrayEquals(new double[] {0.5, 1.5, 0.75, 0}, w.toArray(), TOL);
      assertEquals(4, w.size());
      assertEquals(1.5, w.get(1));
    }

    @Test
    void balancedGivesEveryPresentClassTheSameTotalWeight() {
      int[] labels = {0, 0, 0, 0, 0, 1, 1, 2};
      ClassWeights w = ClassWeights.balanced(labels, 3);
      double[] total = new double[3];
      for (int y : labels) total[y] += w.get(y);
      assertArrayEquals(new double[] {8 / 3.0, 8 / 3.0, 8 / 3.0}, total, TOL);
    }

    @Test
    void ofCopiesAndTheLossesAcceptIt() {
      double[] raw = {1, 2, 3};
      ClassWeights w = ClassWeights.of(raw);
      raw[0] = 7;
      assertArrayEquals(new double[] {1, 2, 3}, w.toArray());
      assertEquals(ClassWeights.of(1, 2, 3), w);
      assertArrayEquals(new double[] {1, 2, 3}, CrossEntropyLoss.builder().classWeights(w).build().classWeights());
      assertArrayEquals(new double[] {1, 2, 3}, FocalLoss.builder().alpha(w).build().alpha());
      assertNull(CrossEntropyLoss.of().classWeights());
    }
  }

  /** Every rejected input: an IllegalArgumentException whose message names the value and the allowed range. */
  @Nested
  class BadInputs {
    private void rejects(Executable call, String... fragments) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
      for (String f : fragments) {
        assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
      }
    }

    @Test
    void labels() {
      for (ClassificationLoss loss : new ClassificationLoss[] {CrossEntropyLoss.of(), FocalLoss.of(2)}) {
        rejects(() -> loss.compute(tinyLogits(), new int[] {0, 3}), "labels[1] = 3", "[0, 3)");
        rejects(() -> loss.compute(tinyLogits(), new int[] {-1, 0}), "labels[0] = -1", "[0, 3)");
        rejects(() -> loss.compute(tinyLogits(), new int[] {0, 1, 2}), "length 3", "N = 2");
        rejects(() -> loss.compute(tinyLogits(), null), "labels are null", "N = 2");
      }
    }

    @Test
    void logitsShape() {
      Variable rank3 = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3, 4));
      rejects(() -> CrossEntropyLoss.of().compute(rank3, LABELS), "[2, 3, 4]", "rank 2 [N, K]");
      rejects(() -> FocalLoss.of(2).compute(Variable.constant(Tensor.zeros(DType.FLOAT64, 3)), LABELS), "[3]", "rank 2");
      rejects(() -> CrossEntropyLoss.of().compute(Variable.constant(Tensor.zeros(DType.FLOAT64, 0, 3)), new int[0]),
          "[0, 3]", "N >= 1");
    }

    @Test
    void sampleWeights() {
      CrossEntropyLoss ce = CrossEntropyLoss.of();
      rejects(() -> ce.compute(tinyLogits(), LABELS, new double[] {1}), "length 1", "N = 2");
      rejects(() -> ce.compute(tinyLogits(), LABELS, new double[] {1, -0.5}), "sampleWeights[1] = -0.5", ">= 0");
      rejects(() -> FocalLoss.of(1).compute(tinyLogits(), LABELS, new double[] {Double.NaN, 1}),
          "sampleWeights[0] = NaN", ">= 0");
      rejects(() -> ce.compute(tinyLogits(), LABELS, new double[] {1, Double.POSITIVE_INFINITY}),
          "sampleWeights[1] = Infinity", "finite");
      rejects(() -> ce.compute(tinyLogits(), LABELS, null), "sampleWeights are null", "N = 2");
    }

    @Test
    void aZeroMeanDivisor() {
      rejects(() -> CrossEntropyLoss.of().compute(tinyLogits(), LABELS, new double[] {0, 0}),
          "MEAN divisor", "= 0.0", "expected > 0");
      // class 0 and 2 weigh 0: the batch's labels {0, 2} weigh nothing
      rejects(() -> FocalLoss.builder().alpha(0, 1, 0).build().compute(tinyLogits(), LABELS), "MEAN divisor", "> 0");
      // SUM and BATCH_MEAN have no such divisor: the loss is 0
      assertValues(new double[] {0}, CrossEntropyLoss.builder().reduction(Reduction.BATCH_MEAN).build()
          .compute(tinyLogits(), LABELS, new double[] {0, 0}));
    }

    @Test
    void classWeights() {
      rejects(() -> CrossEntropyLoss.builder().classWeights(1, 2).build().compute(tinyLogits(), LABELS),
          "classWeights has 2 values", "K = 3");
      rejects(() -> FocalLoss.builder().alpha(1, 2, 3, 4).build().compute(tinyLogits(), LABELS),
          "alpha has 4 values", "K = 3");
      rejects(() -> CrossEntropyLoss.builder().classWeights(1, -1, 2), "classWeight[1] = -1.0", ">= 0");
      rejects(() -> CrossEntropyLoss.builder().classWeights(Double.NaN, 1, 2), "classWeight[0] = NaN", ">= 0");
      rejects(() -> FocalLoss.builder().alpha(0.5, Double.NEGATIVE_INFINITY), "alpha[1] = -Infinity", "finite");
      rejects(() -> ClassWeights.of(0, 0), "every weight is 0", "at least one > 0");
      rejects(() -> ClassWeights.of(), "empty", ">= 0");
      rejects(() -> ClassWeights.of(1, -2), "weight[1] = -2.0", ">= 0");
    }

    @Test
    void balancedClassWeights() {
      rejects(() -> ClassWeights.balanced(new int[] {0, 4, 1}, 3), "labels[1] = 4", "[0, 3)");
      rejects(() -> ClassWeights.balanced(new int[] {0}, 0), "classes = 0", ">= 1");
      rejects(() -> ClassWeights.balanced(new int[0], 2), "empty", "[0, 2)");
    }

    @Test
    void labelSmoothing() {
      rejects(() -> CrossEntropyLoss.builder().labelSmoothing(1).build(), "labelSmoothing = 1.0", "[0, 1)");
      rejects(() -> CrossEntropyLoss.builder().labelSmoothing(-0.1).build(), "labelSmoothing = -0.1", "[0, 1)");
      rejects(() -> CrossEntropyLoss.builder().labelSmoothing(Double.NaN).build(), "labelSmoothing = NaN", "[0, 1)");
    }

    @Test
    void gamma() {
      rejects(() -> FocalLoss.of(-0.5), "gamma = -0.5", ">= 0");
      rejects(() -> FocalLoss.of(Double.NaN), "gamma = NaN", ">= 0");
      rejects(() -> FocalLoss.of(Double.POSITIVE_INFINITY), "gamma = Infinity", "finite");
    }

    @Test
    void reduction() {
      rejects(() -> CrossEntropyLoss.builder().reduction(null).build(), "reduction is null", "MEAN");
      rejects(() -> FocalLoss.builder().reduction(null).build(), "reduction is null", "MEAN");
      rejects(() -> BinaryCrossEntropyLoss.builder().reduction(null).build(), "reduction is null", "MEAN");
      rejects(() -> MseLoss.of(null), "reduction is null", "MEAN");
    }

    @Test
    void binaryCrossEntropyTargets() {
      Variable x = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 2));
      BinaryCrossEntropyLoss bce = BinaryCrossEntropyLoss.of();
      rejects(() -> bce.compute(x, Tensor.of(new double[] {0, 1, 1.5, 0}, 2, 2)), "target element [1, 0] = 1.5", "[0, 1]");
      rejects(() -> bce.compute(x, Tensor.of(new double[] {0, -0.25, 1, 0}, 2, 2)), "= -0.25", "[0, 1]");
      rejects(() -> bce.compute(x, Tensor.of(new double[] {Double.NaN, 0, 1, 0}, 2, 2)), "[0, 0] = NaN", "[0, 1]");
      rejects(() -> bce.compute(x, Tensor.zeros(DType.FLOAT64, 4)), "target has shape [4]", "[2, 2]");
    }

    @Test
    void binaryCrossEntropyPosWeight() {
      rejects(() -> BinaryCrossEntropyLoss.builder().posWeight(-1).build(), "posWeight = -1.0", ">= 0");
      rejects(() -> BinaryCrossEntropyLoss.builder().posWeight(new double[] {1, Double.NaN}),
          "posWeight[1] = NaN", ">= 0");
      Variable x = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3));
      rejects(() -> BinaryCrossEntropyLoss.builder().posWeight(new double[] {1, 2}).build()
          .compute(x, Tensor.zeros(DType.FLOAT64, 2, 3)), "posWeight has 2 values", "K = 3");
    }

    @Test
    void mseTargets() {
      Variable x = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3));
      rejects(() -> MseLoss.of().compute(x, Tensor.zeros(DType.FLOAT64, 3, 2)), "target has shape [3, 2]",
          "input has [2, 3]", "the same shape");
      rejects(() -> MseLoss.of().compute(x, Tensor.of(new double[] {0, 0, 0, 0, Double.POSITIVE_INFINITY, 0}, 2, 3)),
          "target element [1, 1] = Infinity", "finite");
    }
  }
}
