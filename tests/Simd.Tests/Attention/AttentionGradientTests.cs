using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Simd.Tests.Support;
using Xunit;
using Simd.GradCheck;
using static Simd.Tests.Support.AttentionData;

namespace Simd.Tests;

/// <summary>Small problems for the finite-difference checks, whose cost grows with every checked coordinate.</summary>
public static class AttentionGradientArbitraries
{
    public static Arbitrary<SingleHeadCase> SingleHeadCases() => Arb.From(AttentionArbitraries.SingleHead(9));

    public static Arbitrary<MultiHeadCase> MultiHeadCases() => Arb.From(AttentionArbitraries.MultiHead(6));
}

/// <summary>
/// Backward passes of every double attention cell against central finite differences of its own forward pass (whose
/// agreement with the reference is tested separately), for sampled coordinates of every parameter tensor and of the
/// queries, keys and values; masked positions must get exactly zero gradient. The losses are L = Σ ⟨G, output⟩ with
/// random G, so their gradients are exactly what the backward passes compute from G.
/// </summary>
public sealed class AttentionGradientTests
{
    // Central differences with step 1e-5 in double: truncation ≈ ε²/6·|L'''| (≲ 1e-9 for these smooth losses with
    // O(1) weights) and rounding ≈ 1e-16·|L|/ε (≲ 1e-9 for |L| ≲ 1e2). 1e-6 absolute plus 1e-6 relative leaves a wide
    // margin over both and still catches a wrong or missing term, which is O(1e-2) or larger here. Eight distinct
    // coordinates of every tensor and input (all of a shorter one) are checked.
    private static GradientCheckOptions Options(int seed) =>
        new() { Epsilon = 1e-5, AbsoluteTolerance = 1e-6, RelativeTolerance = 1e-6, ElementsPerSegment = 8, Seed = seed };

    [Property(Arbitrary = new[] { typeof(AttentionGradientArbitraries) }, MaxTest = 60)]
    public void Single_head_decoder_gradients_equal_central_finite_differences(SingleHeadCase c)
    {
        var entry = AttentionCatalog.SingleHeadDouble[c.Cell % AttentionCatalog.SingleHeadDouble.Length];
        var cell = entry.Create();
        var random = new Random(c.Seed);
        Randomize(cell, random, 1);
        int T = c.Keys, B = c.Batch, Q = cell.QuerySize, K = cell.KeySize, V = cell.ValueSize;
        var steps = 1 + random.Next(3);
        var keys = Uniform<double>(random, B * T * K, 1);
        var values = Uniform<double>(random, B * T * V, 1);
        var queries = Enumerable.Range(0, steps).Select(_ => Uniform<double>(random, B * Q, 1)).ToArray();
        var contextGradients = Enumerable.Range(0, steps).Select(_ => Uniform<double>(random, B * V, 1)).ToArray();
        var what = $"{entry}, {steps} steps, {c}";

        // Analytic, one of two ways: each Step directly followed by its StepBackward, as a training loop does; or the
        // steps backward in reverse order (any order is allowed) without running Step (StepBackward recomputes what it
        // needs). Then one PrepareBackward. The parameter gradients start nonzero: they are added to.
        var interleaved = random.Next(2) == 0;
        what += interleaved ? ", interleaved" : ", backward only";
        var workspace = cell.CreateWorkspace(T, B);
        cell.Prepare(T, B, keys, values, c.Lengths, workspace);
        var start = Uniform<double>(random, cell.ParameterCount, 1);
        var parameterGradients = (double[])start.Clone();
        var queryGradients = Enumerable.Range(0, steps).Select(_ => AttentionForwardTests.Filled(B * Q, double.NaN)).ToArray();
        for (var n = 0; n < steps; n++)
        {
            var s = interleaved ? n : steps - 1 - n;
            if (interleaved)
            {
                cell.Step(queries[s], workspace, new double[B * V], new double[B * T]);
            }

            cell.StepBackward(queries[s], workspace, contextGradients[s], queryGradients[s], parameterGradients);
        }

        var keyGradient = AttentionForwardTests.Filled(B * T * K, double.NaN);
        var valueGradient = AttentionForwardTests.Filled(B * T * V, double.NaN);
        cell.PrepareBackward(workspace, keyGradient, valueGradient, parameterGradients);

        // The parameter gradients started at `start`: what the backward passes added is the gradient.
        var check = new GradientCheck().AddParameters(cell, parameterGradients.Zip(start, static (g, g0) => g - g0).ToArray());
        for (var s = 0; s < steps; s++)
        {
            check.Add($"query{s}", queries[s], queryGradients[s], [B, Q]);
        }

        check.Add("keys", keys, keyGradient, [B, T, K])
            .Add("values", values, valueGradient, [B, T, V])
            .Run(() => DecoderLoss(cell, T, B, keys, values, c.Lengths, queries, contextGradients), Options(c.Seed))
            .AssertPasses(what);

        // Padding keys and values, and every sample without valid keys, get exactly zero gradient.
        for (var b = 0; b < B; b++)
        {
            var length = c.Lengths.Length == 0 ? T : c.Lengths[b];
            AssertZero(keyGradient.AsSpan(((b * T) + length) * K, (T - length) * K), $"padding key gradient of sample {b} ({what})");
            AssertZero(valueGradient.AsSpan(((b * T) + length) * V, (T - length) * V), $"padding value gradient of sample {b} ({what})");
            if (length == 0)
            {
                for (var s = 0; s < steps; s++)
                {
                    AssertZero(queryGradients[s].AsSpan(b * Q, Q), $"query gradient of fully masked sample {b} ({what})");
                }
            }
        }
    }

    [Property(Arbitrary = new[] { typeof(AttentionGradientArbitraries) }, MaxTest = 60)]
    public void Multi_head_gradients_equal_central_finite_differences(MultiHeadCase c)
    {
        var entry = AttentionCatalog.MultiHeadDouble[c.Cell % AttentionCatalog.MultiHeadDouble.Length];
        var cell = entry.Create();
        var random = new Random(c.Seed);
        Randomize(cell, random, 1);
        int Tq = c.Queries, Tk = c.Keys, B = c.Batch, E = cell.ModelSize;
        var query = Uniform<double>(random, B * Tq * E, 1);
        var key = Uniform<double>(random, B * Tk * E, 1);
        var value = Uniform<double>(random, B * Tk * E, 1);
        var outputGradient = Uniform<double>(random, B * Tq * E, 1);
        var what = $"{entry}, {c}";

        var workspace = cell.CreateWorkspace(Math.Max(Tq, Tk), B);
        cell.Forward(Tq, Tk, B, query, key, value, c.KeyLengths, c.Causal, new double[B * Tq * E], Span<double>.Empty, workspace);
        var start = Uniform<double>(random, cell.ParameterCount, 1);
        var parameterGradients = (double[])start.Clone();
        var queryGradient = AttentionForwardTests.Filled(query.Length, double.NaN);
        var keyGradient = AttentionForwardTests.Filled(key.Length, double.NaN);
        var valueGradient = AttentionForwardTests.Filled(value.Length, double.NaN);
        cell.Backward(workspace, outputGradient, queryGradient, keyGradient, valueGradient, parameterGradients);

        new GradientCheck()
            .AddParameters(cell, parameterGradients.Zip(start, static (g, g0) => g - g0).ToArray())
            .Add("query", query, queryGradient, [B, Tq, E])
            .Add("key", key, keyGradient, [B, Tk, E])
            .Add("value", value, valueGradient, [B, Tk, E])
            .Run(() => MultiHeadLoss(cell, Tq, Tk, B, query, key, value, c.KeyLengths, c.Causal, outputGradient), Options(c.Seed))
            .AssertPasses(what);

        for (var b = 0; b < B; b++)
        {
            var length = c.KeyLengths.Length == 0 ? Tk : c.KeyLengths[b];
            AssertZero(keyGradient.AsSpan(((b * Tk) + length) * E, (Tk - length) * E), $"padding key gradient of sample {b} ({what})");
            AssertZero(valueGradient.AsSpan(((b * Tk) + length) * E, (Tk - length) * E), $"padding value gradient of sample {b} ({what})");
            if (length == 0)
            {
                AssertZero(queryGradient.AsSpan(b * Tq * E, Tq * E), $"query gradient of fully masked sample {b} ({what})");
            }
        }
    }

    [Property(Arbitrary = new[] { typeof(AttentionGradientArbitraries) }, MaxTest = 20)]
    public void Causal_self_attention_gradient_is_the_sum_of_the_three_input_gradients(MultiHeadCase c)
    {
        var entry = AttentionCatalog.MultiHeadDouble[c.Cell % AttentionCatalog.MultiHeadDouble.Length];
        var cell = entry.Create();
        var random = new Random(c.Seed);
        Randomize(cell, random, 1);
        int T = c.Keys, B = c.Batch, E = cell.ModelSize;
        var x = Uniform<double>(random, B * T * E, 1);
        var outputGradient = Uniform<double>(random, B * T * E, 1);
        var workspace = cell.CreateWorkspace(T, B);
        cell.Forward(T, T, B, x, x, x, c.KeyLengths, causal: true, new double[x.Length], Span<double>.Empty, workspace);
        double[] dq = new double[x.Length], dk = new double[x.Length], dv = new double[x.Length];
        cell.Backward(workspace, outputGradient, dq, dk, dv, new double[cell.ParameterCount]);
        var dx = dq.Zip(dk, dv).Select(static g => g.First + g.Second + g.Third).ToArray();
        new GradientCheck()
            .Add("x", x, dx, [B, T, E])
            .Run(() => MultiHeadLoss(cell, T, T, B, x, x, x, c.KeyLengths, true, outputGradient), Options(c.Seed))
            .AssertPasses($"{entry}, self-attention, {c}");
    }

    /// <summary>L = Σ_s ⟨G_s, context_s⟩ of a decoder whose steps share one Prepare of the memory.</summary>
    private static double DecoderLoss(
        ISingleHeadAttention<double> cell, int keyCount, int batch, double[] keys, double[] values, int[] lengths, double[][] queries, double[][] contextGradients)
    {
        var workspace = cell.CreateWorkspace(keyCount, batch);
        cell.Prepare(keyCount, batch, keys, values, lengths, workspace);
        var context = new double[batch * cell.ValueSize];
        var loss = 0.0;
        for (var s = 0; s < queries.Length; s++)
        {
            cell.Step(queries[s], workspace, context, Span<double>.Empty);
            loss += Dot(context, contextGradients[s]);
        }

        return loss;
    }

    /// <summary>L = ⟨G, output⟩ of one multi-head forward pass.</summary>
    private static double MultiHeadLoss(
        IMultiHeadAttention<double> cell, int queryCount, int keyCount, int batch, double[] query, double[] key, double[] value, int[] keyLengths, bool causal, double[] outputGradient)
    {
        var workspace = cell.CreateWorkspace(Math.Max(queryCount, keyCount), batch);
        var output = new double[batch * queryCount * cell.ModelSize];
        cell.Forward(queryCount, keyCount, batch, query, key, value, keyLengths, causal, output, Span<double>.Empty, workspace);
        return Dot(output, outputGradient);
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void AssertZero(ReadOnlySpan<double> values, string what)
    {
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(values[i] == 0, $"{what}: element {i} is {values[i]}");
        }
    }
}
