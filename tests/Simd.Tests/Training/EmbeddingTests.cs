using System;
using System.Numerics;
using FsCheck.Xunit;
using Xunit;
using static Simd.Tests.DenseTests;

namespace Simd.Tests;

/// <summary>Generated embedding tables: lookups are exact row copies; backward matches finite differences of L = Σ r ⊙ out.</summary>
public sealed class EmbeddingTests
{
    [Property(MaxTest = 60)]
    public void Float_forward_copies_rows_and_backward_adds_them(int pick, int countPick, int seed) =>
        ForwardAndBackwardMatch(LayerCatalog.EmbeddingFloat, pick, countPick, seed);

    [Property(MaxTest = 60)]
    public void Double_forward_copies_rows_and_backward_adds_them(int pick, int countPick, int seed) =>
        ForwardAndBackwardMatch(LayerCatalog.EmbeddingDouble, pick, countPick, seed);

    [Property(MaxTest = 40)]
    public void Double_backward_matches_central_differences(int pick, int countPick, int seed)
    {
        var layer = LayerCatalog.EmbeddingDouble[Math.Abs(pick % LayerCatalog.EmbeddingDouble.Length)]();
        var random = new Random(seed);
        var tokens = Tokens(random, layer.VocabularySize, 1 + Math.Abs(countPick % 12));
        int D = layer.Dimension, N = tokens.Length;
        FillUniform(random, layer.Parameters, 1);
        var r = Fill<double>(random, N * D, 1);
        var gradients = new double[layer.ParameterCount];
        layer.Backward(tokens, r, gradients);

        double Loss()
        {
            var outputs = new double[N * D];
            layer.Forward(tokens, outputs);
            var sum = 0.0;
            for (var k = 0; k < outputs.Length; k++)
            {
                sum += r[k] * outputs[k];
            }

            return sum;
        }

        // L is linear in the table, so the central difference is exact up to rounding, u·|L|/h ≈ 1e-9 for h = 1e-6.
        const double h = 1e-6;
        for (var k = 0; k < layer.ParameterCount; k++)
        {
            var saved = layer.Parameters[k];
            layer.Parameters[k] = saved + h;
            var plus = Loss();
            layer.Parameters[k] = saved - h;
            var minus = Loss();
            layer.Parameters[k] = saved;
            AssertClose((plus - minus) / (2 * h), gradients[k], 1e-7, $"dθ[{k}]");
        }
    }

    [Fact]
    public void Initialization_is_seeded_standard_normal()
    {
        var a = new Embed20x32();
        var b = new Embed20x32();
        a.InitializeParameters(11);
        b.InitializeParameters(11);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());

        // 640 draws of N(0, 1): the sample mean has standard error 0.04 and the sample variance 0.056, so these
        // bounds (about 5 standard errors) fail for a wrong distribution, not by chance.
        double sum = 0, squares = 0;
        foreach (var v in a.Parameters)
        {
            sum += v;
            squares += v * v;
        }

        var mean = sum / Embed20x32.ParameterCount;
        Assert.InRange(mean, -0.2, 0.2);
        Assert.InRange((squares / Embed20x32.ParameterCount) - (mean * mean), 0.72, 1.28);
    }

    [Fact]
    public void Import_and_export_use_the_weight_tensor()
    {
        var layer = new Embed6x13D();
        Assert.Equal(new[] { "weight" }, layer.PyTorchParameterNames);
        var weight = new double[6 * 13];
        for (var k = 0; k < weight.Length; k++)
        {
            weight[k] = k;
        }

        layer.ImportPyTorch("weight", weight);
        var row = new double[13];
        layer.Forward(new[] { 4 }, row);
        for (var j = 0; j < 13; j++)
        {
            Assert.Equal((4 * 13) + j, row[j]);
        }

        var exported = new double[weight.Length];
        layer.ExportPyTorch("weight", exported);
        Assert.Equal(weight, exported);
        Assert.Equal("tensor", Assert.Throws<ArgumentException>(() => layer.ImportPyTorch("weight", new double[5])).ParamName);
    }

    [Fact]
    public void Bad_tokens_and_lengths_throw_naming_the_argument_before_writing()
    {
        var layer = new Embed6x13();
        var outputs = new float[3 * 13];
        outputs.AsSpan().Fill(42);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new[] { 0, 5, 6 }, outputs));
        Assert.Equal("tokens", e.ParamName);
        Assert.Contains("'tokens'[2] is 6", e.Message);
        Assert.All(outputs, v => Assert.Equal(42f, v));
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new[] { -1, 0, 0 }, outputs)).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => layer.Forward(new[] { 0, 1 }, outputs)).ParamName);

        var gradients = new float[Embed6x13.ParameterCount];
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => layer.Backward(new[] { 0, 9, 1 }, outputs, gradients)).ParamName);
        Assert.All(gradients, v => Assert.Equal(0f, v));
        Assert.Equal("outputGradients", Assert.Throws<ArgumentException>(() => layer.Backward(new[] { 0, 1 }, outputs, gradients)).ParamName);
        Assert.Equal("parameterGradients", Assert.Throws<ArgumentException>(() => layer.Backward(new[] { 0, 1, 2 }, outputs, new float[7])).ParamName);
    }

    private static void ForwardAndBackwardMatch<T>(Func<IEmbeddingLayer<T>>[] catalog, int pick, int countPick, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layer = catalog[Math.Abs(pick % catalog.Length)]();
        var random = new Random(seed);
        var tokens = Tokens(random, layer.VocabularySize, Math.Abs(countPick % 12));
        int D = layer.Dimension, N = tokens.Length;
        FillUniform(random, layer.Parameters, 1);
        var outputs = new T[N * D];
        layer.Forward(tokens, outputs);
        for (var i = 0; i < N; i++)
        {
            Assert.Equal(layer.Parameters.Slice(tokens[i] * D, D).ToArray(), outputs.AsSpan(i * D, D).ToArray());
        }

        // Backward adds to what is there: start from random gradients and compare with the sums in double. Each
        // element adds at most N + 1 values of magnitude ≤ 1, so (N + 2)·u·(N + 1) bounds the float rounding.
        var gradients = Fill<T>(random, layer.ParameterCount, 1);
        var expected = new double[gradients.Length];
        for (var k = 0; k < expected.Length; k++)
        {
            expected[k] = double.CreateTruncating(gradients[k]);
        }

        var r = Fill<T>(random, N * D, 1);
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < D; j++)
            {
                expected[(tokens[i] * D) + j] += double.CreateTruncating(r[(i * D) + j]);
            }
        }

        layer.Backward(tokens, r, gradients);
        var unit = typeof(T) == typeof(float) ? 1.0 / (1 << 24) : 1.0 / (1L << 53);
        for (var k = 0; k < expected.Length; k++)
        {
            AssertClose(expected[k], double.CreateTruncating(gradients[k]), (N + 2) * (N + 1) * unit, $"dθ[{k}]");
        }
    }

    /// <summary>Random tokens from a small vocabulary, so repeats (which must add up) are common.</summary>
    private static int[] Tokens(Random random, int vocabulary, int count)
    {
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = random.Next(vocabulary);
        }

        return tokens;
    }
}
