using System;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.AttentionData;

namespace Simd.Tests;

/// <summary>Decoding problems: up to 24 tokens per stream.</summary>
public static class AttentionDecodeArbitraries
{
    public static Arbitrary<MultiHeadCase> MultiHeadCases() => Arb.From(AttentionArbitraries.MultiHead(24));
}

/// <summary>
/// Incremental decoding with the key/value cache against one causal self-attention Forward over the whole sequence:
/// step t must give row t of it (output and weights), for several streams at once, and after KeyValueCache.Truncate a
/// re-decoded suffix must give the rows of the edited sequence.
/// </summary>
public sealed class AttentionDecodeTests
{
    [Property(Arbitrary = new[] { typeof(AttentionDecodeArbitraries) }, MaxTest = 50)]
    public void Float_decode_steps_equal_the_rows_of_a_causal_forward(MultiHeadCase c) => DecodeMatches(AttentionCatalog.MultiHeadFloat, c);

    [Property(Arbitrary = new[] { typeof(AttentionDecodeArbitraries) }, MaxTest = 50)]
    public void Double_decode_steps_equal_the_rows_of_a_causal_forward(MultiHeadCase c) => DecodeMatches(AttentionCatalog.MultiHeadDouble, c);

    private static void DecodeMatches<T>(MultiHeadEntry<T>[] catalog, MultiHeadCase c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var entry = catalog[c.Cell % catalog.Length];
        var cell = entry.Create();
        var random = new Random(c.Seed);
        Randomize(cell, random, 1);
        int Tk = c.Keys, B = 1 + c.Batch, E = cell.ModelSize, H = cell.Heads;
        var what = $"{entry}, T {Tk}, B {B}, seed {c.Seed}";
        var x = Uniform<T>(random, B * Tk * E, 1);
        var (output, weights) = CausalForward(cell, Tk, B, x);
        var (expectedOutput, outputBound, expectedWeights, weightBound) = Reference(cell, Tk, B, x);

        var cache = cell.CreateCache(Tk + random.Next(3), B + random.Next(2));
        var decoded = Decode(cell, cache, x, 0, Tk, B);
        Assert.Equal(Tk, cache.Count);
        Assert.Equal(B, cache.Batch);
        for (var t = 0; t < Tk; t++)
        {
            CompareRow(decoded, t, output, weights, expectedOutput, outputBound, expectedWeights, weightBound, Tk, B, E, H, $"{what}, step {t}");
        }

        // Truncate, then decode other tokens: the result is the causal forward of the edited sequence.
        var keep = random.Next(Tk);
        cache.Truncate(keep);
        Assert.Equal(keep, cache.Count);
        var edited = (T[])x.Clone();
        var replacement = Uniform<T>(random, B * Tk * E, 1);
        for (var b = 0; b < B; b++)
        {
            Array.Copy(replacement, ((b * Tk) + keep) * E, edited, ((b * Tk) + keep) * E, (Tk - keep) * E);
        }

        var redecoded = Decode(cell, cache, edited, keep, Tk, B);
        var (editedOutput, editedWeights) = CausalForward(cell, Tk, B, edited);
        (expectedOutput, outputBound, expectedWeights, weightBound) = Reference(cell, Tk, B, edited);
        for (var t = keep; t < Tk; t++)
        {
            CompareRow(redecoded, t, editedOutput, editedWeights, expectedOutput, outputBound, expectedWeights, weightBound, Tk, B, E, H, $"{what}, truncated to {keep}, step {t}");
        }

        // Truncating again and decoding the original tokens repeats the original steps exactly: the cache then holds
        // the same values and every step does the same arithmetic.
        cache.Truncate(keep);
        var repeated = Decode(cell, cache, x, keep, Tk, B);
        for (var t = keep; t < Tk; t++)
        {
            Assert.Equal(decoded.Outputs[t], repeated.Outputs[t]);
            Assert.Equal(decoded.Weights[t], repeated.Weights[t]);
        }
    }

    private static (T[][] Outputs, T[][] Weights) Decode<T>(IMultiHeadAttention<T> cell, KeyValueCache<T> cache, T[] x, int from, int tokens, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int E = cell.ModelSize, H = cell.Heads;
        var outputs = new T[tokens][];
        var weights = new T[tokens][];
        var input = new T[batch * E];
        for (var t = from; t < tokens; t++)
        {
            for (var b = 0; b < batch; b++)
            {
                Array.Copy(x, ((b * tokens) + t) * E, input, b * E, E);
            }

            outputs[t] = AttentionForwardTests.Filled(batch * E, T.NaN);
            weights[t] = AttentionForwardTests.Filled(batch * H * (t + 1), T.NaN);
            cell.DecodeStep(batch, input, cache, outputs[t], weights[t]);
            Assert.Equal(t + 1, cache.Count);
        }

        return (outputs, weights);
    }

    private static (T[] Output, T[] Weights) CausalForward<T>(IMultiHeadAttention<T> cell, int tokens, int batch, T[] x)
        where T : unmanaged
    {
        var output = new T[batch * tokens * cell.ModelSize];
        var weights = new T[batch * cell.Heads * tokens * tokens];
        cell.Forward(tokens, tokens, batch, x, x, x, ReadOnlySpan<int>.Empty, causal: true, output, weights, cell.CreateWorkspace(tokens, batch));
        return (output, weights);
    }

    private static (double[] Output, double[] OutputBound, double[] Weights, double[] WeightBound) Reference<T>(IMultiHeadAttention<T> cell, int tokens, int batch, T[] x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xd = ToDouble<T>(x);
        double[] output = new double[batch * tokens * cell.ModelSize], outputBound = new double[output.Length];
        double[] weights = new double[batch * cell.Heads * tokens * tokens], weightBound = new double[weights.Length];
        AttentionCatalog.Reference(cell).Forward(tokens, tokens, batch, xd, xd, xd, Array.Empty<int>(), true, output, weights, AttentionPrecision.Of<T>(), outputBound, weightBound);
        return (output, outputBound, weights, weightBound);
    }

    /// <summary>
    /// Step t against the reference (within twice the error bound, as for Forward) and against row t of the cell's own
    /// Forward (within four times: both are within twice the bound of the reference).
    /// </summary>
    private static void CompareRow<T>(
        (T[][] Outputs, T[][] Weights) decoded, int t, T[] output, T[] weights, double[] expectedOutput, double[] outputBound, double[] expectedWeights, double[] weightBound,
        int tokens, int batch, int e, int heads, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var b = 0; b < batch; b++)
        {
            var at = ((b * tokens) + t) * e;
            AssertWithinBound<T>(expectedOutput.AsSpan(at, e), outputBound.AsSpan(at, e), decoded.Outputs[t].AsSpan(b * e, e), $"{what} output of stream {b}");
            var doubled = Scaled(outputBound.AsSpan(at, e), 2);
            AssertWithinBound<T>(ToDouble<T>(output.AsSpan(at, e)), doubled, decoded.Outputs[t].AsSpan(b * e, e), $"{what} output of stream {b} vs Forward");
            for (var h = 0; h < heads; h++)
            {
                var row = ((((b * heads) + h) * tokens) + t) * tokens;
                var step = decoded.Weights[t].AsSpan(((b * heads) + h) * (t + 1), t + 1);
                AssertWithinBound<T>(expectedWeights.AsSpan(row, t + 1), weightBound.AsSpan(row, t + 1), step, $"{what} weights of stream {b} head {h}");
                AssertWithinBound<T>(ToDouble<T>(weights.AsSpan(row, t + 1)), Scaled(weightBound.AsSpan(row, t + 1), 2), step, $"{what} weights of stream {b} head {h} vs Forward");
            }
        }
    }

    private static double[] Scaled(ReadOnlySpan<double> values, double factor)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i] * factor;
        }

        return result;
    }
}
