using System;
using System.Numerics;
using FsCheck.Xunit;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.AttentionData;

namespace Simd.Tests;

/// <summary>
/// Forward passes of the generated attention cells against the double references written from the contract. Each
/// output and weight must lie within twice its first-order error bound (<see cref="AttentionPrecision"/>): the bound
/// follows the magnitudes of the terms of every sum, so it is tight where the values are small and loose only where
/// cancellation makes any implementation inexact.
/// </summary>
public sealed class AttentionForwardTests
{
    private static readonly double[] Gains = { 0.5, 1, 2 };

    // Counts chosen so the whole attention suite stays well under 30 s on two cores.
    [Property(Arbitrary = new[] { typeof(AttentionArbitraries) }, MaxTest = 150)]
    public void Single_head_float_steps_equal_the_reference(SingleHeadCase c) => StepsMatch(AttentionCatalog.SingleHeadFloat, c);

    [Property(Arbitrary = new[] { typeof(AttentionArbitraries) }, MaxTest = 100)]
    public void Single_head_double_steps_equal_the_reference(SingleHeadCase c) => StepsMatch(AttentionCatalog.SingleHeadDouble, c);

    [Property(Arbitrary = new[] { typeof(AttentionArbitraries) }, MaxTest = 100)]
    public void Multi_head_float_forward_equals_the_reference(MultiHeadCase c) => ForwardMatches(AttentionCatalog.MultiHeadFloat, c);

    [Property(Arbitrary = new[] { typeof(AttentionArbitraries) }, MaxTest = 80)]
    public void Multi_head_double_forward_equals_the_reference(MultiHeadCase c) => ForwardMatches(AttentionCatalog.MultiHeadDouble, c);

    private static void StepsMatch<T>(SingleHeadEntry<T>[] catalog, SingleHeadCase c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var entry = catalog[c.Cell % catalog.Length];
        var cell = entry.Create();
        var random = new Random(c.Seed);
        Randomize(cell, random, Gains[random.Next(Gains.Length)]);
        int Tk = c.Keys, B = c.Batch, Q = cell.QuerySize, K = cell.KeySize, V = cell.ValueSize;
        var keys = Uniform<T>(random, B * Tk * K, 1);
        var values = Uniform<T>(random, B * Tk * V, 1);

        // A workspace larger than the call must work the same as an exact one.
        var workspace = cell.CreateWorkspace(Tk + random.Next(3), B + random.Next(2));
        cell.Prepare(Tk, B, keys, values, c.Lengths, workspace);
        var reference = AttentionCatalog.Reference(entry.Score, cell);
        var precision = AttentionPrecision.Of<T>();

        // Two steps reuse one prepared memory.
        for (var step = 0; step < 2; step++)
        {
            var queries = Uniform<T>(random, B * Q, 1);
            var context = Filled<T>(B * V, T.NaN);
            var weights = Filled<T>(B * Tk, T.NaN);
            cell.Step(queries, workspace, context, weights);

            double[] expectedContext = new double[B * V], expectedWeights = new double[B * Tk];
            double[] contextBound = new double[B * V], weightBound = new double[B * Tk];
            reference.Step(Tk, B, ToDouble<T>(keys), ToDouble<T>(values), c.Lengths, ToDouble<T>(queries), expectedContext, expectedWeights, precision, contextBound, weightBound);
            AssertWithinBound<T>(expectedContext, contextBound, context, $"{entry} context, {c}");
            AssertWithinBound<T>(expectedWeights, weightBound, weights, $"{entry} weights, {c}");
            for (var b = 0; b < B; b++)
            {
                var n = c.Lengths.Length == 0 ? Tk : c.Lengths[b];
                AssertDistribution<T>(weights.AsSpan(b * Tk, Tk), j => j < n, precision, $"{entry} sample {b}, {c}");
            }

            // Without the weights output the context is the same computation.
            var contextOnly = new T[B * V];
            cell.Step(queries, workspace, contextOnly, Span<T>.Empty);
            Assert.Equal(context, contextOnly);
        }
    }

    private static void ForwardMatches<T>(MultiHeadEntry<T>[] catalog, MultiHeadCase c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var entry = catalog[c.Cell % catalog.Length];
        var cell = entry.Create();
        var random = new Random(c.Seed);
        Randomize(cell, random, Gains[random.Next(Gains.Length)]);
        int Tq = c.Queries, Tk = c.Keys, B = c.Batch, E = cell.ModelSize, H = cell.Heads;
        var query = Uniform<T>(random, B * Tq * E, 1);
        var key = Uniform<T>(random, B * Tk * E, 1);
        var value = Uniform<T>(random, B * Tk * E, 1);
        var workspace = cell.CreateWorkspace(Math.Max(Tq, Tk) + random.Next(3), B + random.Next(2));
        var output = Filled<T>(B * Tq * E, T.NaN);
        var weights = Filled<T>(B * H * Tq * Tk, T.NaN);
        cell.Forward(Tq, Tk, B, query, key, value, c.KeyLengths, c.Causal, output, weights, workspace);

        var precision = AttentionPrecision.Of<T>();
        double[] expectedOutput = new double[output.Length], expectedWeights = new double[weights.Length];
        double[] outputBound = new double[output.Length], weightBound = new double[weights.Length];
        AttentionCatalog.Reference(cell).Forward(
            Tq, Tk, B, ToDouble<T>(query), ToDouble<T>(key), ToDouble<T>(value), c.KeyLengths, c.Causal, expectedOutput, expectedWeights, precision, outputBound, weightBound);
        AssertWithinBound<T>(expectedOutput, outputBound, output, $"{entry} output, {c}");
        AssertWithinBound<T>(expectedWeights, weightBound, weights, $"{entry} weights, {c}");

        var outBias = new T[E];
        cell.ExportParameter("out_proj.bias", outBias);
        for (var b = 0; b < B; b++)
        {
            var length = c.KeyLengths.Length == 0 ? Tk : c.KeyLengths[b];
            for (var i = 0; i < Tq; i++)
            {
                for (var h = 0; h < H; h++)
                {
                    var row = weights.AsSpan(((((b * H) + h) * Tq) + i) * Tk, Tk);
                    AssertDistribution<T>(row, j => MultiHeadReference.Allowed(i, j, length, c.Causal), precision, $"{entry} b {b} h {h} i {i}, {c}");
                }

                // A row that sees no key outputs exactly out_proj.bias (W·0 + b).
                if (!MultiHeadReference.Allowed(i, 0, length, c.Causal))
                {
                    Assert.Equal(outBias, output.AsSpan((((b * Tq) + i) * E), E).ToArray());
                }
            }
        }

        // Without the weights output the result is the same computation.
        var outputOnly = new T[output.Length];
        cell.Forward(Tq, Tk, B, query, key, value, c.KeyLengths, c.Causal, outputOnly, Span<T>.Empty, workspace);
        Assert.Equal(output, outputOnly);
    }

    /// <summary>
    /// A weight row is a distribution over the allowed keys: exactly 0 elsewhere, nonnegative, and summing to 1 within
    /// the normalisation's rounding (a sum of n terms, γ_n, then one reciprocal or division and product, 2u; doubled for
    /// second-order terms). A row with no allowed key is all zeros.
    /// </summary>
    internal static void AssertDistribution<T>(ReadOnlySpan<T> row, Func<int, bool> allowed, AttentionPrecision precision, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var n = 0;
        var sum = 0.0;
        for (var j = 0; j < row.Length; j++)
        {
            var w = double.CreateTruncating(row[j]);
            if (allowed(j))
            {
                n++;
                Assert.True(w >= 0 && w <= 1, $"{what}: weight {j} is {w}");
                sum += w;
            }
            else
            {
                Assert.True(w == 0, $"{what}: masked weight {j} is {w}, not 0");
            }
        }

        if (n > 0)
        {
            var tolerance = 2 * (precision.Gamma(n) + (2 * precision.Unit));
            Assert.True(Math.Abs(sum - 1) <= tolerance, $"{what}: weights sum to 1 + {sum - 1:E3} over {n} keys (tolerance {tolerance:E3})");
        }
    }

    internal static T[] Filled<T>(int length, T value)
    {
        var result = new T[length];
        Array.Fill(result, value);
        return result;
    }
}
