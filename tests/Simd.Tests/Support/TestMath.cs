using System;
using System.Numerics;

namespace Simd.Tests.Support;

internal static class TestMath
{
    /// <summary>Largest |expected − actual| (NaN counts as infinite) and where it occurs.</summary>
    public static double WorstAbsoluteError<T>(ReadOnlySpan<double> expected, ReadOnlySpan<T> actual, out int index)
        where T : INumberBase<T>
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"lengths differ: {expected.Length} vs {actual.Length}");
        }

        var worst = 0.0;
        index = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(expected[i] - double.CreateTruncating(actual[i]));
            if (!(error <= worst))
            {
                worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                index = i;
            }
        }

        return worst;
    }
}
