using System;

namespace Simd.Benchmarks.Peers;

/// <summary>
/// Agreement checks between implementations in the peer benchmarks' GlobalSetup: throws when they differ, so no time
/// is reported for a peer computing something else. Prints lines in the format of <see cref="Verify.Close"/>.
/// </summary>
internal static class PeerVerify
{
    /// <summary>Throws when max |actual − expected| &gt; <paramref name="tolerance"/>.</summary>
    /// <param name="what">What is compared (shape, tensor).</param><param name="actualName">Who computed <paramref name="actual"/>.</param>
    /// <param name="actual">Values under test.</param><param name="expectedName">Who computed <paramref name="expected"/>.</param>
    /// <param name="expected">Reference values.</param><param name="tolerance">Allowed absolute difference.</param>
    public static void Close(string what, string actualName, ReadOnlySpan<float> actual, string expectedName, ReadOnlySpan<float> expected, float tolerance)
    {
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException($"{what}: {actualName} has {actual.Length} values, {expectedName} {expected.Length}");
        }

        float worst = 0;
        int at = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            float d = MathF.Abs(actual[i] - expected[i]);
            if (!(d <= worst))
            {
                worst = d; // NaN lands here too and fails below
                at = i;
            }
        }

        if (!(worst <= tolerance))
        {
            throw new InvalidOperationException(
                $"Verification failed for {what}: max |{actualName} − {expectedName}| = {worst:E3} at [{at}] ({actual[at]} vs {expected[at]}) > tolerance {tolerance:E1}.");
        }

        Console.WriteLine($"// verified {what}, {actualName} vs {expectedName}: max |difference| = {worst:E2} (tolerance {tolerance:E1})");
    }

    /// <summary>Like <see cref="Close"/> with the tolerance <see cref="AttentionVerify.RelativeTolerance"/> × max |expected|.</summary>
    public static void CloseRelative(string what, string actualName, ReadOnlySpan<float> actual, string expectedName, ReadOnlySpan<float> expected)
    {
        float largest = 0;
        foreach (float e in expected)
        {
            largest = MathF.Max(largest, MathF.Abs(e));
        }

        if (!(largest > 0))
        {
            throw new InvalidOperationException($"{what}: the reference is all zero (or NaN), so the comparison would prove nothing.");
        }

        Close(what, actualName, actual, expectedName, expected, AttentionVerify.RelativeTolerance * largest);
    }
}
