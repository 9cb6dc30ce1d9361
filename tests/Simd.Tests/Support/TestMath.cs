using System;

namespace Simd.Tests.Support;

internal static class TestMath
{
    public static double WorstAbsoluteError(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, out int index)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"lengths differ: {expected.Length} vs {actual.Length}");
        }

        var worst = 0.0;
        index = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= worst))
            {
                worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                index = i;
            }
        }

        return worst;
    }

    public static double WorstAbsoluteError(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, out int index)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"lengths differ: {expected.Length} vs {actual.Length}");
        }

        var worst = 0.0;
        index = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= worst))
            {
                worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                index = i;
            }
        }

        return worst;
    }
}
