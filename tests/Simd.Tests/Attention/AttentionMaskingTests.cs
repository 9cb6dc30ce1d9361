using System;
using System.Linq;
using System.Numerics;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.AttentionData;

namespace Simd.Tests;

/// <summary>
/// The documented edge cases: samples or query rows without any valid key (zero context and weights, output equal to
/// out_proj.bias, no NaN, no gradient), and logits of ±1e4, which a softmax without max subtraction would overflow.
/// </summary>
public sealed class AttentionMaskingTests
{
    public static TheoryData<int> SingleHeadFloatCells => new(Enumerable.Range(0, AttentionCatalog.SingleHeadFloat.Length));

    public static TheoryData<int> SingleHeadDoubleCells => new(Enumerable.Range(0, AttentionCatalog.SingleHeadDouble.Length));

    public static TheoryData<int> MultiHeadFloatCells => new(Enumerable.Range(0, AttentionCatalog.MultiHeadFloat.Length));

    public static TheoryData<int> MultiHeadDoubleCells => new(Enumerable.Range(0, AttentionCatalog.MultiHeadDouble.Length));

    [Theory]
    [MemberData(nameof(SingleHeadFloatCells))]
    public void Single_head_float_samples_without_keys_get_zero_context_weights_and_gradients(int cell) =>
        FullyMaskedSamples(AttentionCatalog.SingleHeadFloat[cell]);

    [Theory]
    [MemberData(nameof(SingleHeadDoubleCells))]
    public void Single_head_double_samples_without_keys_get_zero_context_weights_and_gradients(int cell) =>
        FullyMaskedSamples(AttentionCatalog.SingleHeadDouble[cell]);

    [Theory]
    [MemberData(nameof(MultiHeadFloatCells))]
    public void Multi_head_float_rows_without_keys_output_the_bias_and_pass_no_gradient(int cell) =>
        FullyMaskedRows(AttentionCatalog.MultiHeadFloat[cell]);

    [Theory]
    [MemberData(nameof(MultiHeadDoubleCells))]
    public void Multi_head_double_rows_without_keys_output_the_bias_and_pass_no_gradient(int cell) =>
        FullyMaskedRows(AttentionCatalog.MultiHeadDouble[cell]);

    [Theory]
    [MemberData(nameof(SingleHeadFloatCells))]
    public void Single_head_float_logits_of_1e4_give_a_finite_valid_distribution(int cell) =>
        HugeLogits(AttentionCatalog.SingleHeadFloat[cell]);

    [Theory]
    [MemberData(nameof(SingleHeadDoubleCells))]
    public void Single_head_double_logits_of_1e4_give_a_finite_valid_distribution(int cell) =>
        HugeLogits(AttentionCatalog.SingleHeadDouble[cell]);

    [Theory]
    [MemberData(nameof(MultiHeadFloatCells))]
    public void Multi_head_float_logits_of_1e4_give_a_finite_valid_distribution(int cell) =>
        HugeLogits(AttentionCatalog.MultiHeadFloat[cell]);

    [Theory]
    [MemberData(nameof(MultiHeadDoubleCells))]
    public void Multi_head_double_logits_of_1e4_give_a_finite_valid_distribution(int cell) =>
        HugeLogits(AttentionCatalog.MultiHeadDouble[cell]);

    private static void FullyMaskedSamples<T>(SingleHeadEntry<T> entry)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cell = entry.Create();
        var random = new Random(17);
        Randomize(cell, random, 1);
        int Tk = 5, B = 3, Q = cell.QuerySize, K = cell.KeySize, V = cell.ValueSize;
        var lengths = new[] { 0, Tk, 0 };
        var keys = Uniform<T>(random, B * Tk * K, 1);
        var values = Uniform<T>(random, B * Tk * V, 1);
        var queries = Uniform<T>(random, B * Q, 1);
        var workspace = cell.CreateWorkspace(Tk, B);
        cell.Prepare(Tk, B, keys, values, lengths, workspace);
        var context = AttentionForwardTests.Filled(B * V, T.NaN);
        var weights = AttentionForwardTests.Filled(B * Tk, T.NaN);
        cell.Step(queries, workspace, context, weights);
        AssertAllFinite<T>(context, $"{entry} context");
        foreach (var b in new[] { 0, 2 })
        {
            Assert.All(context.AsSpan(b * V, V).ToArray(), static v => Assert.Equal(T.Zero, v));
            Assert.All(weights.AsSpan(b * Tk, Tk).ToArray(), static w => Assert.Equal(T.Zero, w));
        }

        var queryGradient = AttentionForwardTests.Filled(B * Q, T.NaN);
        var parameterGradients = new T[cell.ParameterCount];
        cell.StepBackward(queries, workspace, Uniform<T>(random, B * V, 1), queryGradient, parameterGradients);
        var keyGradient = AttentionForwardTests.Filled(B * Tk * K, T.NaN);
        var valueGradient = AttentionForwardTests.Filled(B * Tk * V, T.NaN);
        cell.PrepareBackward(workspace, keyGradient, valueGradient, parameterGradients);
        AssertAllFinite<T>(queryGradient, "query gradient");
        AssertAllFinite<T>(keyGradient, "key gradient");
        AssertAllFinite<T>(valueGradient, "value gradient");
        foreach (var b in new[] { 0, 2 })
        {
            Assert.All(queryGradient.AsSpan(b * Q, Q).ToArray(), static g => Assert.Equal(T.Zero, g));
            Assert.All(keyGradient.AsSpan(b * Tk * K, Tk * K).ToArray(), static g => Assert.Equal(T.Zero, g));
            Assert.All(valueGradient.AsSpan(b * Tk * V, Tk * V).ToArray(), static g => Assert.Equal(T.Zero, g));
        }

        // A batch of only masked samples adds nothing to the parameter gradients: they keep their values exactly.
        var masked = new[] { 0, 0 };
        cell.Prepare(Tk, 2, keys.AsSpan(0, 2 * Tk * K), values.AsSpan(0, 2 * Tk * V), masked, workspace);
        var start = Uniform<T>(random, cell.ParameterCount, 1);
        var gradients = (T[])start.Clone();
        cell.StepBackward(queries.AsSpan(0, 2 * Q), workspace, Uniform<T>(random, 2 * V, 1), new T[2 * Q], gradients);
        cell.PrepareBackward(workspace, new T[2 * Tk * K], new T[2 * Tk * V], gradients);
        Assert.Equal(start, gradients);
    }

    private static void FullyMaskedRows<T>(MultiHeadEntry<T> entry)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cell = entry.Create();
        var random = new Random(23);
        Randomize(cell, random, 1);
        int Tq = 4, Tk = 6, B = 2, E = cell.ModelSize, H = cell.Heads;
        var keyLengths = new[] { 0, 3 };
        var query = Uniform<T>(random, B * Tq * E, 1);
        var key = Uniform<T>(random, B * Tk * E, 1);
        var value = Uniform<T>(random, B * Tk * E, 1);
        var workspace = cell.CreateWorkspace(Tk, B);
        var output = AttentionForwardTests.Filled(B * Tq * E, T.NaN);
        var weights = AttentionForwardTests.Filled(B * H * Tq * Tk, T.NaN);
        cell.Forward(Tq, Tk, B, query, key, value, keyLengths, causal: false, output, weights, workspace);
        var bias = new T[E];
        cell.ExportParameter("out_proj.bias", bias);
        AssertAllFinite<T>(output, $"{entry} output");
        for (var i = 0; i < Tq; i++)
        {
            Assert.Equal(bias, output.AsSpan(i * E, E).ToArray());
        }

        Assert.All(weights.AsSpan(0, H * Tq * Tk).ToArray(), static w => Assert.Equal(T.Zero, w));

        var queryGradient = AttentionForwardTests.Filled(query.Length, T.NaN);
        var keyGradient = AttentionForwardTests.Filled(key.Length, T.NaN);
        var valueGradient = AttentionForwardTests.Filled(value.Length, T.NaN);
        cell.Backward(workspace, Uniform<T>(random, output.Length, 1), queryGradient, keyGradient, valueGradient, new T[cell.ParameterCount]);
        AssertAllFinite<T>(queryGradient, "query gradient");
        AssertAllFinite<T>(keyGradient, "key gradient");
        AssertAllFinite<T>(valueGradient, "value gradient");
        Assert.All(queryGradient.AsSpan(0, Tq * E).ToArray(), static g => Assert.Equal(T.Zero, g));
        Assert.All(keyGradient.AsSpan(0, Tk * E).ToArray(), static g => Assert.Equal(T.Zero, g));
        Assert.All(valueGradient.AsSpan(0, Tk * E).ToArray(), static g => Assert.Equal(T.Zero, g));

        // A fully masked batch passes gradient only to out_proj.bias (dL/db = Σ_i G_i); every other parameter
        // gradient is exactly zero. The bias gradient is a sum of Tq terms: within γ_Tq·Σ|G_i| of the exact sum.
        cell.Forward(Tq, Tk, 1, query.AsSpan(0, Tq * E), key.AsSpan(0, Tk * E), value.AsSpan(0, Tk * E), new[] { 0 }, causal: false, output.AsSpan(0, Tq * E), Span<T>.Empty, workspace);
        var outputGradient = Uniform<T>(random, Tq * E, 1);
        var gradients = new T[cell.ParameterCount];
        cell.Backward(workspace, outputGradient, new T[Tq * E], new T[Tk * E], new T[Tk * E], gradients);
        var biasOffset = cell.ParameterOffset("out_proj.bias");
        for (var p = 0; p < gradients.Length; p++)
        {
            if (p < biasOffset)
            {
                Assert.True(gradients[p] == T.Zero, $"{entry}: parameter gradient {p} is {gradients[p]}");
                continue;
            }

            var r = p - biasOffset;
            double sum = 0, magnitude = 0;
            for (var i = 0; i < Tq; i++)
            {
                sum += double.CreateTruncating(outputGradient[(i * E) + r]);
                magnitude += Math.Abs(double.CreateTruncating(outputGradient[(i * E) + r]));
            }

            Assert.True(Math.Abs(double.CreateTruncating(gradients[p]) - sum) <= AttentionPrecision.Of<T>().Gamma(Tq) * magnitude, $"{entry}: out_proj.bias gradient {r}");
        }
    }

    /// <summary>
    /// Scores of magnitude 1e4 and more: inputs scaled so that the reference's largest |logit| is at least 1e4
    /// (asserted, so the test cannot pass vacuously). Outputs must be finite, the weights a valid distribution, and
    /// everything still within its error bound of the reference.
    /// </summary>
    private static void HugeLogits<T>(SingleHeadEntry<T> entry)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cell = entry.Create();
        var random = new Random(29);
        Randomize(cell, random, 1);
        int Tk = 37, B = 3, Q = cell.QuerySize, K = cell.KeySize, V = cell.ValueSize;
        var lengths = new[] { Tk, 1, 20 };
        double queryScale = 1, keyScale = 1;
        if (entry.Score is AttentionScore.Additive or AttentionScore.Concat)
        {
            // tanh saturates, so the score weights carry the magnitude.
            var scoreWeight = Enumerable.Range(0, cell.AttentionSize).Select(_ => T.CreateTruncating((random.Next(2) == 0 ? -1e5 : 1e5) / Math.Sqrt(cell.AttentionSize))).ToArray();
            cell.ImportParameter("score_weight", scoreWeight);
        }
        else
        {
            queryScale = 300;
            keyScale = 300;
        }

        var keys = Uniform<T>(random, B * Tk * K, keyScale);
        var values = Uniform<T>(random, B * Tk * V, 1);
        var queries = Uniform<T>(random, B * Q, queryScale);
        var reference = AttentionCatalog.Reference(entry.Score, cell);
        Assert.True(reference.MaxAbsScore(Tk, B, ToDouble<T>(keys), lengths, ToDouble<T>(queries)) >= 1e4, "the logits are not large enough");

        var workspace = cell.CreateWorkspace(Tk, B);
        cell.Prepare(Tk, B, keys, values, lengths, workspace);
        var context = new T[B * V];
        var weights = new T[B * Tk];
        cell.Step(queries, workspace, context, weights);
        AssertAllFinite<T>(context, $"{entry} context");
        var precision = AttentionPrecision.Of<T>();
        for (var b = 0; b < B; b++)
        {
            AttentionForwardTests.AssertDistribution<T>(weights.AsSpan(b * Tk, Tk), j => j < lengths[b], precision, $"{entry} sample {b}");
        }

        double[] expectedContext = new double[B * V], expectedWeights = new double[B * Tk], contextBound = new double[B * V], weightBound = new double[B * Tk];
        reference.Step(Tk, B, ToDouble<T>(keys), ToDouble<T>(values), lengths, ToDouble<T>(queries), expectedContext, expectedWeights, precision, contextBound, weightBound);
        AssertWithinBound<T>(expectedContext, contextBound, context, $"{entry} context");
        AssertWithinBound<T>(expectedWeights, weightBound, weights, $"{entry} weights");

        var queryGradient = new T[B * Q];
        cell.StepBackward(queries, workspace, Uniform<T>(random, B * V, 1), queryGradient, new T[cell.ParameterCount]);
        AssertAllFinite<T>(queryGradient, $"{entry} query gradient");
    }

    private static void HugeLogits<T>(MultiHeadEntry<T> entry)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cell = entry.Create();
        var random = new Random(31);
        Randomize(cell, random, 1);
        int Tq = 9, Tk = 9, B = 2, E = cell.ModelSize, H = cell.Heads;
        var keyLengths = new[] { 9, 4 };

        // Scaling the inputs by 1e2 scales every projection by about that much and the logits by about 1e4.
        var query = Uniform<T>(random, B * Tq * E, 150);
        var key = Uniform<T>(random, B * Tk * E, 150);
        var value = Uniform<T>(random, B * Tk * E, 1);
        var reference = AttentionCatalog.Reference(cell);
        Assert.True(reference.MaxAbsScore(Tq, Tk, B, ToDouble<T>(query), ToDouble<T>(key), keyLengths, causal: true) >= 1e4, "the logits are not large enough");

        var workspace = cell.CreateWorkspace(Tq, B);
        var output = new T[B * Tq * E];
        var weights = new T[B * H * Tq * Tk];
        cell.Forward(Tq, Tk, B, query, key, value, keyLengths, causal: true, output, weights, workspace);
        AssertAllFinite<T>(output, $"{entry} output");
        var precision = AttentionPrecision.Of<T>();
        for (var b = 0; b < B; b++)
        {
            for (var h = 0; h < H; h++)
            {
                for (var i = 0; i < Tq; i++)
                {
                    AttentionForwardTests.AssertDistribution<T>(
                        weights.AsSpan(((((b * H) + h) * Tq) + i) * Tk, Tk), j => MultiHeadReference.Allowed(i, j, keyLengths[b], true), precision, $"{entry} b {b} h {h} i {i}");
                }
            }
        }

        double[] expectedOutput = new double[output.Length], expectedWeights = new double[weights.Length], outputBound = new double[output.Length], weightBound = new double[weights.Length];
        reference.Forward(Tq, Tk, B, ToDouble<T>(query), ToDouble<T>(key), ToDouble<T>(value), keyLengths, true, expectedOutput, expectedWeights, precision, outputBound, weightBound);
        AssertWithinBound<T>(expectedOutput, outputBound, output, $"{entry} output");
        AssertWithinBound<T>(expectedWeights, weightBound, weights, $"{entry} weights");

        var dq = new T[query.Length];
        var dk = new T[key.Length];
        var dv = new T[value.Length];
        cell.Backward(workspace, Uniform<T>(random, output.Length, 1), dq, dk, dv, new T[cell.ParameterCount]);
        AssertAllFinite<T>(dq, $"{entry} query gradient");
        AssertAllFinite<T>(dk, $"{entry} key gradient");
        AssertAllFinite<T>(dv, $"{entry} value gradient");
    }
}
