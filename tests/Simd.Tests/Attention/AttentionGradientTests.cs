using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.AttentionData;
using static Simd.Tests.Support.AttentionGradients;

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
/// queries, keys and values; masked positions must get exactly zero gradient.
/// </summary>
public sealed class AttentionGradientTests
{
    private const int CoordinatesPerTensor = 4;

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

        double Loss() => DecoderLoss(cell, T, B, keys, values, c.Lengths, queries, contextGradients);
        var parameters = cell.Parameters.ToArray();
        foreach (var name in cell.ParameterNames)
        {
            var offset = cell.ParameterOffset(name);
            foreach (var i in Sample(random, cell.ParameterLength(name)))
            {
                var at = offset + i;
                var numeric = Numeric(v => { parameters.CopyTo(cell.Parameters); cell.Parameters[at] = v; return Loss(); }, parameters[at]);
                parameters.CopyTo(cell.Parameters);
                Compare(parameterGradients[at] - start[at], numeric, $"{name}[{i}] ({what})");
            }
        }

        for (var n = 0; n < 6; n++)
        {
            var s = random.Next(steps);
            var i = random.Next(B * Q);
            var q = queries[s];
            var original = q[i];
            var numeric = Numeric(v => { q[i] = v; return Loss(); }, original);
            q[i] = original;
            Compare(queryGradients[s][i], numeric, $"query{s}[{i}] ({what})");
        }

        CompareInputs(keys, keyGradient, Loss, random, "keys", what);
        CompareInputs(values, valueGradient, Loss, random, "values", what);

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

        double Loss() => MultiHeadLoss(cell, Tq, Tk, B, query, key, value, c.KeyLengths, c.Causal, outputGradient);
        var parameters = cell.Parameters.ToArray();
        foreach (var name in cell.ParameterNames)
        {
            var offset = cell.ParameterOffset(name);
            foreach (var i in Sample(random, cell.ParameterLength(name)))
            {
                var at = offset + i;
                var numeric = Numeric(v => { parameters.CopyTo(cell.Parameters); cell.Parameters[at] = v; return Loss(); }, parameters[at]);
                parameters.CopyTo(cell.Parameters);
                Compare(parameterGradients[at] - start[at], numeric, $"{name}[{i}] ({what})");
            }
        }

        CompareInputs(query, queryGradient, Loss, random, "query", what);
        CompareInputs(key, keyGradient, Loss, random, "key", what);
        CompareInputs(value, valueGradient, Loss, random, "value", what);

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
        CompareInputs(x, dx, () => MultiHeadLoss(cell, T, T, B, x, x, x, c.KeyLengths, true, outputGradient), random, "x", $"{entry}, self-attention, {c}");
    }

    /// <summary>Every index of a short tensor, else a few random ones.</summary>
    private static int[] Sample(Random random, int length) =>
        length <= CoordinatesPerTensor ? Enumerable.Range(0, length).ToArray() : Enumerable.Range(0, CoordinatesPerTensor).Select(_ => random.Next(length)).ToArray();

    private static void CompareInputs(double[] input, double[] gradient, Func<double> loss, Random random, string name, string what)
    {
        foreach (var i in Sample(random, input.Length).Concat(Sample(random, input.Length)))
        {
            var original = input[i];
            var numeric = Numeric(v => { input[i] = v; return loss(); }, original);
            input[i] = original;
            Compare(gradient[i], numeric, $"{name}[{i}] ({what})");
        }
    }

    private static void AssertZero(ReadOnlySpan<double> values, string what)
    {
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(values[i] == 0, $"{what}: element {i} is {values[i]}");
        }
    }
}
