using System;

namespace Simd;

/// <summary>Seeded parameter initialisation, identical on every machine and runtime.</summary>
public static class Initialization
{
    /// <summary>Fills <paramref name="destination"/> with independent draws from U(−<paramref name="bound"/>, <paramref name="bound"/>).</summary>
    /// <param name="destination">Values to overwrite.</param>
    /// <param name="bound">Half-width of the interval; PyTorch's recurrent layers use 1/√hidden.</param>
    /// <param name="seed">Seed of the SplitMix64 sequence.</param>
    public static void FillUniform(Span<float> destination, double bound, ulong seed)
    {
        var state = seed;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(((2 * NextUnit(ref state)) - 1) * bound);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with independent draws from U(−<paramref name="bound"/>, <paramref name="bound"/>).</summary>
    /// <param name="destination">Values to overwrite.</param>
    /// <param name="bound">Half-width of the interval; PyTorch's recurrent layers use 1/√hidden.</param>
    /// <param name="seed">Seed of the SplitMix64 sequence.</param>
    public static void FillUniform(Span<double> destination, double bound, ulong seed)
    {
        var state = seed;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = ((2 * NextUnit(ref state)) - 1) * bound;
        }
    }

    /// <summary>Fills <paramref name="destination"/> with independent draws from N(0, 1) (PyTorch's <c>nn.Embedding</c> initialisation).</summary>
    /// <param name="destination">Values to overwrite.</param>
    /// <param name="seed">Seed of the SplitMix64 sequence.</param>
    public static void FillNormal(Span<float> destination, ulong seed)
    {
        var state = seed;
        for (var i = 0; i < destination.Length; i += 2)
        {
            var (first, second) = NextNormalPair(ref state);
            destination[i] = (float)first;
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)second;
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/> with independent draws from N(0, 1) (PyTorch's <c>nn.Embedding</c> initialisation).</summary>
    /// <param name="destination">Values to overwrite.</param>
    /// <param name="seed">Seed of the SplitMix64 sequence.</param>
    public static void FillNormal(Span<double> destination, ulong seed)
    {
        var state = seed;
        for (var i = 0; i < destination.Length; i += 2)
        {
            var (first, second) = NextNormalPair(ref state);
            destination[i] = first;
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = second;
            }
        }
    }

    /// <summary>Box–Muller: two independent standard normals from two uniforms; 1 − u keeps the logarithm's argument in (0, 1].</summary>
    private static (double First, double Second) NextNormalPair(ref ulong state)
    {
        var radius = Math.Sqrt(-2 * Math.Log(1 - NextUnit(ref state)));
        var angle = 2 * Math.PI * NextUnit(ref state);
        return (radius * Math.Cos(angle), radius * Math.Sin(angle));
    }

    /// <summary>SplitMix64: a tiny, well-mixed generator whose output depends only on the seed.</summary>
    private static double NextUnit(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
