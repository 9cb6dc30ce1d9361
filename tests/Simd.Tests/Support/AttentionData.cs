using System;
using System.Numerics;
using Xunit;

namespace Simd.Tests.Support;

/// <summary>Random problems and comparisons shared by the attention tests.</summary>
internal static class AttentionData
{
    public static double[] ToDouble<T>(ReadOnlySpan<T> values)
        where T : INumberBase<T>
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = double.CreateTruncating(values[i]);
        }

        return result;
    }

    /// <summary>n values uniform in (−scale, scale), already rounded to T.</summary>
    public static T[] Uniform<T>(Random random, int n, double scale)
        where T : INumberBase<T>
    {
        var result = new T[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = T.CreateTruncating(((2 * random.NextDouble()) - 1) * scale);
        }

        return result;
    }

    /// <summary>
    /// Random parameters of the sizes where attention is neither uniform nor one-hot: with inputs in (−1, 1), scores
    /// and projections are O(gain). Every tensor, biases included, is nonzero so that each term of each formula shows.
    /// </summary>
    public static void Randomize<T>(IAttentionCell<T> cell, Random random, double gain)
        where T : unmanaged, INumberBase<T>
    {
        foreach (var name in cell.ParameterNames)
        {
            var length = cell.ParameterLength(name);
            double scale = cell switch
            {
                ISingleHeadAttention<T> s => name switch
                {
                    "query_weight" => 1 / Math.Sqrt(s.QuerySize),
                    "key_weight" => 1 / Math.Sqrt(s.KeySize),
                    "bias" => 1,
                    "score_weight" => 3 / Math.Sqrt(s.AttentionSize),
                    _ => 10 / Math.Sqrt(s.QuerySize * s.KeySize),
                },
                IMultiHeadAttention<T> m => name switch
                {
                    "in_proj_weight" => 2 / Math.Sqrt(m.ModelSize),
                    "out_proj.weight" => 1 / Math.Sqrt(m.ModelSize),
                    _ => 0.5,
                },
                _ => 1,
            };
            cell.ImportParameter(name, Uniform<T>(random, length, scale * gain));
        }
    }

    /// <summary>
    /// Asserts |expected − actual| ≤ 2·bound element by element. The bound is the first-order error bound of a
    /// computation in T (<see cref="AttentionPrecision"/>); the factor 2 covers the second-order terms and, for
    /// double cells, the reference's own rounding, which is of the same size.
    /// </summary>
    public static void AssertWithinBound<T>(ReadOnlySpan<double> expected, ReadOnlySpan<double> bound, ReadOnlySpan<T> actual, string what)
        where T : INumberBase<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var value = double.CreateTruncating(actual[i]);
            var error = Math.Abs(value - expected[i]);
            Assert.True(
                error <= 2 * bound[i],
                $"{what}[{i}]: expected {expected[i]:R}, got {value:R}, error {error:E3} above 2 × bound {bound[i]:E3}");
        }
    }

    public static void AssertAllFinite<T>(ReadOnlySpan<T> values, string what)
        where T : INumberBase<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(T.IsFinite(values[i]), $"{what}[{i}] is {values[i]}");
        }
    }
}
