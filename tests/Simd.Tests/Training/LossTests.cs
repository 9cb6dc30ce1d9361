using System;
using System.Numerics;
using FsCheck.Xunit;
using Simd.Training;
using Xunit;
using static Simd.Tests.DenseTests;
using static Simd.Tests.Support.TrainingReference;

namespace Simd.Tests;

/// <summary>Softmax cross-entropy and mean squared error against double references and central differences.</summary>
public sealed class LossTests
{
    private const int Ignore = -100;

    [Property(MaxTest = 100)]
    public void Float_cross_entropy_matches_the_reference(int rowsPick, int classesPick, int seed) =>
        CrossEntropyMatches<float>(rowsPick, classesPick, seed, 1.0 / (1 << 24));

    [Property(MaxTest = 100)]
    public void Double_cross_entropy_matches_the_reference(int rowsPick, int classesPick, int seed) =>
        CrossEntropyMatches<double>(rowsPick, classesPick, seed, 1.0 / (1L << 53));

    [Property(MaxTest = 60)]
    public void Double_cross_entropy_gradient_matches_central_differences(int rowsPick, int classesPick, int seed)
    {
        var random = new Random(seed);
        var (logits, classes, targets) = CrossEntropyCase<double>(random, rowsPick, classesPick);
        var gradients = new double[logits.Length];
        Loss.SoftmaxCrossEntropy<double>(logits, classes, targets, gradients, Ignore);

        // h = 1e-5 on logits of magnitude ≤ 8: truncation h²·|L'''| ≲ 1e-10, rounding u·|L|/h ≈ 1e-10; 1e-8 is above both.
        const double h = 1e-5;
        for (var k = 0; k < logits.Length; k++)
        {
            var saved = logits[k];
            logits[k] = saved + h;
            var plus = Loss.SoftmaxCrossEntropy<double>(logits, classes, targets, new double[logits.Length], Ignore);
            logits[k] = saved - h;
            var minus = Loss.SoftmaxCrossEntropy<double>(logits, classes, targets, new double[logits.Length], Ignore);
            logits[k] = saved;
            AssertClose((plus - minus) / (2 * h), gradients[k], 1e-8, $"dL/dz[{k}] (classes {classes})");
        }
    }

    [Fact]
    public void An_all_ignored_batch_gives_zero_loss_and_zero_gradients()
    {
        var logits = new float[] { 1, 2, 3, 4, 5, 6 };
        var gradients = new float[6];
        gradients.AsSpan().Fill(7);
        Assert.Equal(0f, Loss.SoftmaxCrossEntropy<float>(logits, 3, new[] { Ignore, Ignore }, gradients));
        Assert.All(gradients, g => Assert.Equal(0f, g));
        Assert.Equal(0f, Loss.SoftmaxCrossEntropy<float>(ReadOnlySpan<float>.Empty, 3, ReadOnlySpan<int>.Empty, Span<float>.Empty));
    }

    [Fact]
    public void Huge_logits_stay_finite_and_exact()
    {
        // Row 0: target logit −1e4 against +1e4: loss 2e4 + log(1 + e^−1e4 + e^−2e4) = 2e4 in any precision.
        // Row 1: target is the maximum, 1e4 above the rest: loss log(1 + 2e^−1e4) = 0.
        var logits = new float[] { 1e4f, -1e4f, 0, -1e4f, 1e4f, 0 };
        var gradients = new float[6];
        var loss = Loss.SoftmaxCrossEntropy<float>(logits, 3, new[] { 1, 1 }, gradients);
        Assert.Equal(1e4f, loss); // the mean of 2e4 and 0
        Assert.All(gradients, g => Assert.True(float.IsFinite(g)));

        // d(mean)/dz = (softmax − onehot) / 2: row 0 softmax is (1, 0, 0), row 1 is (0, 1, 0).
        Assert.Equal(new[] { 0.5f, -0.5f, 0, 0, 0, 0 }, gradients);
    }

    [Fact]
    public void Logits_and_gradients_may_share_memory()
    {
        var random = new Random(8);
        var logits = Fill<double>(random, 4 * 9, 3);
        var targets = new[] { 3, Ignore, 0, 8 };
        var separate = new double[logits.Length];
        var expected = Loss.SoftmaxCrossEntropy<double>(logits, 9, targets, separate);
        var shared = (double[])logits.Clone();
        Assert.Equal(expected, Loss.SoftmaxCrossEntropy<double>(shared, 9, targets, shared));
        Assert.Equal(separate, shared);
    }

    [Fact]
    public void Bad_targets_and_lengths_throw_naming_the_argument_before_writing()
    {
        var logits = new float[2 * 3];
        var gradients = new float[6];
        gradients.AsSpan().Fill(5);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SoftmaxCrossEntropy<float>(logits, 3, new[] { 0, 3 }, gradients));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("'targets'[1] is 3", e.Message);
        Assert.All(gradients, g => Assert.Equal(5f, g));
        Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SoftmaxCrossEntropy<float>(logits, 3, new[] { -1, 0 }, gradients, ignoreIndex: -2)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Loss.SoftmaxCrossEntropy<float>(logits, 3, new[] { 0, 1, 2 }, new float[9])).ParamName);
        Assert.Equal("logitGradients", Assert.Throws<ArgumentException>(() => Loss.SoftmaxCrossEntropy<float>(logits, 3, new[] { 0, 1 }, new float[5])).ParamName);
        Assert.Equal("classes", Assert.ThrowsAny<ArgumentException>(() => Loss.SoftmaxCrossEntropy<float>(logits, 0, new[] { 0, 1 }, gradients)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Loss.MeanSquaredError<float>(logits, new float[5], gradients)).ParamName);
        Assert.Equal("predictionGradients", Assert.Throws<ArgumentException>(() => Loss.MeanSquaredError<float>(logits, logits, new float[7])).ParamName);
    }

    [Property(MaxTest = 100)]
    public void Mean_squared_error_matches_the_reference_and_central_differences(int lengthPick, int seed)
    {
        var random = new Random(seed);
        var length = Math.Abs(lengthPick % 70);
        var predictions = Fill<double>(random, length, 3);
        var targets = Fill<double>(random, length, 3);
        var gradients = new double[length];
        var loss = Loss.MeanSquaredError<double>(predictions, targets, gradients);
        var expected = 0.0;
        for (var k = 0; k < length; k++)
        {
            expected += (predictions[k] - targets[k]) * (predictions[k] - targets[k]) / length;
        }

        // A sum of n squares ≤ 36 each: n·u·Σ|terms| bounds the reordering error, 1e-13 absolute covers it for n < 70.
        AssertClose(expected, loss, 1e-13, "MSE");
        const double h = 1e-5;
        for (var k = 0; k < length; k++)
        {
            var saved = predictions[k];
            predictions[k] = saved + h;
            var plus = Loss.MeanSquaredError<double>(predictions, targets, new double[length]);
            predictions[k] = saved - h;
            var minus = Loss.MeanSquaredError<double>(predictions, targets, new double[length]);
            predictions[k] = saved;

            // MSE is quadratic, so the central difference is exact up to rounding (≈ u·|L|/h ≈ 1e-10).
            AssertClose((plus - minus) / (2 * h), gradients[k], 1e-8, $"dMSE/dp[{k}]");
        }

        var floatPredictions = Array.ConvertAll(predictions, v => (float)v);
        var floatTargets = Array.ConvertAll(targets, v => (float)v);
        var floatLoss = Loss.MeanSquaredError<float>(floatPredictions, floatTargets, new float[length]);
        var floatExpected = 0.0;
        for (var k = 0; k < length; k++)
        {
            floatExpected += ((double)floatPredictions[k] - floatTargets[k]) * ((double)floatPredictions[k] - floatTargets[k]) / Math.Max(1, length);
        }

        // Float: each difference and square rounds once and the sum of n terms at most n times: (n + 3)·u·mean.
        AssertClose(floatExpected, floatLoss, (length + 3) / (double)(1 << 24) * Math.Max(floatExpected, 1e-30), "float MSE");
    }

    private static void CrossEntropyMatches<T>(int rowsPick, int classesPick, int seed, double unit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var (logits, classes, targets) = CrossEntropyCase<T>(random, rowsPick, classesPick);
        var gradients = Fill<T>(random, logits.Length, 1); // overwritten, never added to
        var loss = Loss.SoftmaxCrossEntropy<T>(logits, classes, targets, gradients, Ignore);
        var counted = Array.FindAll(targets, t => t != Ignore).Length;
        var probabilities = new double[classes];
        var expected = 0.0;
        for (var r = 0; r < targets.Length; r++)
        {
            var row = gradients.AsSpan(r * classes, classes);
            if (targets[r] == Ignore)
            {
                Assert.All(row.ToArray(), g => Assert.Equal(T.Zero, g));
                continue;
            }

            expected += CrossEntropyRow<T>(logits.AsSpan(r * classes, classes), targets[r], probabilities) / counted;

            // Each probability carries the rounding of z − max (absolute ≤ 8u for |z| ≤ 8, so ≤ 8u relative after exp),
            // the exponential's own error (≲ 3u), the sum's (classes·u) and the scaling: (classes + 24)·u relative to p
            // (and to the 1 subtracted at the target), then divided by the counted rows.
            for (var j = 0; j < classes; j++)
            {
                var p = probabilities[j] - (j == targets[r] ? 1 : 0);
                AssertClose(p / counted, double.CreateTruncating(row[j]), (classes + 24) * unit * (probabilities[j] + (j == targets[r] ? 1 : 0)) / counted, $"dL/dz[{r},{j}]");
            }
        }

        // The loss adds rows·(log + max − z) terms of magnitude ≤ log(classes) + 16: (rows + classes + 8)·u times that.
        var bound = (targets.Length + classes + 8) * unit * (Math.Log(classes) + 17);
        AssertClose(counted == 0 ? 0 : expected, double.CreateTruncating(loss), bound, $"loss ({targets.Length} rows, {classes} classes)");
    }

    /// <summary>1–8 rows, 1–40 classes (every remainder of 4, 8 and 16), logits in ±8, one row in four ignored.</summary>
    private static (T[] Logits, int Classes, int[] Targets) CrossEntropyCase<T>(Random random, int rowsPick, int classesPick)
        where T : unmanaged, INumberBase<T>
    {
        var rows = 1 + Math.Abs(rowsPick % 8);
        var classes = 1 + Math.Abs(classesPick % 40);
        var logits = Fill<T>(random, rows * classes, 8);
        var targets = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            targets[r] = random.Next(4) == 0 ? Ignore : random.Next(classes);
        }

        return (logits, classes, targets);
    }
}
