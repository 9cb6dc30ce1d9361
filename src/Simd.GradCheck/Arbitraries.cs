using System;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Simd.GradCheck;

/// <summary>A recurrent problem's sizes: input and hidden size, sequence length and batch.</summary>
/// <param name="InputSize">I ≥ 1.</param><param name="HiddenSize">H ≥ 1.</param><param name="Steps">T ≥ 1.</param><param name="Batch">B ≥ 1.</param>
public sealed record RecurrentShape(int InputSize, int HiddenSize, int Steps, int Batch)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"I={InputSize} H={HiddenSize} T={Steps} B={Batch}");
}

/// <summary>An attention problem's sizes: model size split over heads, query and key counts, batch.</summary>
/// <param name="ModelSize">E, a multiple of <paramref name="Heads"/>.</param><param name="Heads">Number of heads, dividing E.</param>
/// <param name="QueryCount">Tq ≥ 1.</param><param name="KeyCount">Tk ≥ 1.</param><param name="Batch">B ≥ 1.</param>
public sealed record AttentionShape(int ModelSize, int Heads, int QueryCount, int KeyCount, int Batch)
{
    /// <summary>E / Heads.</summary>
    public int HeadSize => ModelSize / Heads;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"E={ModelSize} heads={Heads} Tq={QueryCount} Tk={KeyCount} B={Batch}");
}

/// <summary>Weights drawn uniformly from (−Scale, Scale) by a seeded generator (the seed is printed, so a failure can be replayed).</summary>
/// <param name="Scale">The bound of the values.</param><param name="Seed">The generator's seed.</param><param name="Values">The weights.</param>
public sealed record WeightArray(double Scale, int Seed, double[] Values)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Values.Length} weights in (−{Scale:R}, {Scale:R}), seed {Seed}");
}

/// <summary>A time-major batch of sequences, [Steps, Batch, Features], uniform in (−Scale, Scale).</summary>
/// <param name="Steps">T ≥ 1.</param><param name="Batch">B ≥ 1.</param><param name="Features">Elements per vector, ≥ 1.</param>
/// <param name="Scale">The bound of the values.</param><param name="Seed">The generator's seed.</param><param name="Values">Steps × Batch × Features values.</param>
public sealed record SequenceBatch(int Steps, int Batch, int Features, double Scale, int Seed, double[] Values)
{
    /// <summary>The vector of step <paramref name="step"/>, sample <paramref name="sample"/>.</summary>
    /// <param name="step">0 to Steps − 1.</param><param name="sample">0 to Batch − 1.</param>
    /// <returns>Features values.</returns>
    public ReadOnlySpan<double> At(int step, int sample) => Values.AsSpan(((step * Batch) + sample) * Features, Features);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"T={Steps} B={Batch} F={Features} in (−{Scale:R}, {Scale:R}), seed {Seed}");
}

/// <summary>
/// FsCheck generators for gradient-checking properties, to combine with <c>from … select</c> into your own cases.
/// Sizes favour the awkward ones: a third of them come from the values just around every vector width of float and
/// double (2, 4, 8, 16 lanes), so tails of every width get exercised. Values come from a seeded SplitMix64 stream (one
/// generator draw per array, fast for big arrays); they do not shrink.
/// </summary>
public static class GradCheckGen
{
    /// <summary>Sizes just around the vector widths: 1, 3, 5, 7, 9, 15, 17, 31, 33, 63, 65 (those within the bound).</summary>
    private static readonly int[] AwkwardSizes = [1, 3, 5, 7, 9, 15, 17, 31, 33, 63, 65];

    /// <summary>A size from 1 to <paramref name="maximum"/>: uniform two times in three, else one of the sizes around a vector width.</summary>
    /// <param name="maximum">Largest size, at least 1.</param>
    /// <returns>The generator.</returns>
    public static Gen<int> Size(int maximum)
    {
        Guard.Count(maximum, int.MaxValue, nameof(maximum));
        var awkward = Array.FindAll(AwkwardSizes, s => s <= maximum);
        return Gen.Frequency((2, Gen.Choose(1, maximum)), (1, Gen.Elements(awkward)));
    }

    /// <summary>Recurrent shapes: I in 1..<paramref name="maxInput"/>, H in 1..<paramref name="maxHidden"/> (both by <see cref="Size"/>), T in 1..<paramref name="maxSteps"/>, B in 1..<paramref name="maxBatch"/>.</summary>
    /// <param name="maxInput">Largest I.</param><param name="maxHidden">Largest H.</param><param name="maxSteps">Largest T.</param><param name="maxBatch">Largest B.</param>
    /// <returns>The generator.</returns>
    public static Gen<RecurrentShape> RecurrentShapes(int maxInput = 40, int maxHidden = 40, int maxSteps = 20, int maxBatch = 4)
    {
        Guard.Count(maxSteps, int.MaxValue, nameof(maxSteps));
        Guard.Count(maxBatch, int.MaxValue, nameof(maxBatch));
        return from input in Size(maxInput)
               from hidden in Size(maxHidden)
               from steps in Gen.Choose(1, maxSteps)
               from batch in Gen.Choose(1, maxBatch)
               select new RecurrentShape(input, hidden, steps, batch);
    }

    /// <summary>
    /// Attention shapes: heads in 1..<paramref name="maxHeads"/>, head size in 1..<paramref name="maxHeadSize"/> (by
    /// <see cref="Size"/>, so E = heads × head size divides evenly), Tq and Tk in 1..<paramref name="maxTokens"/>, B in 1..<paramref name="maxBatch"/>.
    /// </summary>
    /// <param name="maxHeads">Most heads.</param><param name="maxHeadSize">Largest head size.</param>
    /// <param name="maxTokens">Largest Tq and Tk.</param><param name="maxBatch">Largest B.</param>
    /// <returns>The generator.</returns>
    public static Gen<AttentionShape> AttentionShapes(int maxHeads = 8, int maxHeadSize = 9, int maxTokens = 16, int maxBatch = 4)
    {
        Guard.Count(maxHeads, int.MaxValue, nameof(maxHeads));
        Guard.Count(maxTokens, int.MaxValue, nameof(maxTokens));
        Guard.Count(maxBatch, int.MaxValue, nameof(maxBatch));
        return from heads in Gen.Choose(1, maxHeads)
               from headSize in Size(maxHeadSize)
               from queries in Gen.Choose(1, maxTokens)
               from keys in Gen.Choose(1, maxTokens)
               from batch in Gen.Choose(1, maxBatch)
               select new AttentionShape(heads * headSize, heads, queries, keys, batch);
    }

    /// <summary><paramref name="length"/> weights uniform in (−<paramref name="scale"/>, <paramref name="scale"/>).</summary>
    /// <param name="length">Number of weights, ≥ 0.</param><param name="scale">Bound, &gt; 0 and finite.</param>
    /// <returns>The generator.</returns>
    public static Gen<WeightArray> Weights(int length, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckScale(scale);
        return Gen.Choose(0, int.MaxValue).Select(seed => new WeightArray(scale, seed, Uniform(seed, length, scale)));
    }

    /// <summary>Weight arrays of a random length in 1..<paramref name="maxLength"/> (by <see cref="Size"/>), uniform in (−<paramref name="scale"/>, <paramref name="scale"/>).</summary>
    /// <param name="maxLength">Longest array.</param><param name="scale">Bound, &gt; 0 and finite.</param>
    /// <returns>The generator.</returns>
    public static Gen<WeightArray> Weights(double scale, int maxLength)
    {
        CheckScale(scale);
        return from length in Size(maxLength)
               from weights in Weights(length, scale)
               select weights;
    }

    /// <summary>Time-major sequences [T, B, <paramref name="features"/>], T in 1..<paramref name="maxSteps"/>, B in 1..<paramref name="maxBatch"/>, values uniform in (−<paramref name="scale"/>, <paramref name="scale"/>).</summary>
    /// <param name="features">Elements per vector (a model's input size), ≥ 1.</param><param name="scale">Bound, &gt; 0 and finite.</param>
    /// <param name="maxSteps">Longest sequence.</param><param name="maxBatch">Largest batch.</param>
    /// <returns>The generator.</returns>
    public static Gen<SequenceBatch> Sequences(int features, double scale, int maxSteps = 20, int maxBatch = 4)
    {
        Guard.Count(features, int.MaxValue, nameof(features));
        Guard.Count(maxSteps, int.MaxValue, nameof(maxSteps));
        Guard.Count(maxBatch, int.MaxValue, nameof(maxBatch));
        CheckScale(scale);
        return from steps in Gen.Choose(1, maxSteps)
               from batch in Gen.Choose(1, maxBatch)
               from seed in Gen.Choose(0, int.MaxValue)
               select new SequenceBatch(steps, batch, features, scale, seed, Uniform(seed, steps * batch * features, scale));
    }

    /// <summary>The values of a seeded array: SplitMix64, top 53 bits as a double in [0, 1), mapped to (−scale, scale).</summary>
    /// <param name="seed">Seed.</param><param name="length">Number of values.</param><param name="scale">Bound.</param>
    /// <returns>The values; the same on every machine for the same arguments.</returns>
    public static double[] Uniform(int seed, int length, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var values = new double[length];
        var state = (ulong)seed;
        for (var i = 0; i < length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;

            // u in [0, 1) with 53 random bits; 2u − 1 in [−1, 1), and −1 itself (u = 0) is mapped to 0 to keep the interval open.
            var u = (z >> 11) * (1.0 / (1UL << 53));
            var centered = (2 * u) - 1;
            values[i] = (centered == -1 ? 0 : centered) * scale;
        }

        return values;
    }

    private static void CheckScale(double scale)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"'{nameof(scale)}' is {scale}; expected a finite bound above 0.");
        }
    }
}

/// <summary>
/// Default arbitraries for <c>[Property(Arbitrary = new[] { typeof(GradCheckArbitraries) })]</c>: recurrent shapes up to
/// 40 × 40 with T ≤ 20 and B ≤ 4, attention shapes with up to 8 heads of up to 9 elements and 16 tokens, weight arrays
/// of 1 to 256 elements in (−1, 1), and sequences of 1 to 20 steps, batch 1 to 4 and 1 to 40 features in (−1, 1). For
/// other ranges write a class of your own whose static methods return <see cref="GradCheckGen"/> generators through
/// <c>Arb.From</c>.
/// </summary>
public static class GradCheckArbitraries
{
    /// <summary>Recurrent shapes: <see cref="GradCheckGen.RecurrentShapes"/> with its default bounds.</summary>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<RecurrentShape> RecurrentShapes() => Arb.From(GradCheckGen.RecurrentShapes());

    /// <summary>Attention shapes: <see cref="GradCheckGen.AttentionShapes"/> with its default bounds.</summary>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<AttentionShape> AttentionShapes() => Arb.From(GradCheckGen.AttentionShapes());

    /// <summary>Weight arrays of 1 to 256 elements in (−1, 1).</summary>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<WeightArray> Weights() => Arb.From(GradCheckGen.Weights(scale: 1, maxLength: 256));

    /// <summary>Sequences of 1 to 20 steps, batch 1 to 4, 1 to 40 features (by <see cref="GradCheckGen.Size"/>), in (−1, 1).</summary>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<SequenceBatch> Sequences() =>
        Arb.From(from features in GradCheckGen.Size(40)
                 from sequence in GradCheckGen.Sequences(features, scale: 1)
                 select sequence);

    /// <summary>FsCheck's default map with these arbitraries merged in, for <c>Config.WithArbMap</c> or <c>ArbMap.GeneratorFor</c>.</summary>
    public static IArbMap Map { get; } = ArbMap.Default.Merge(typeof(GradCheckArbitraries));
}
