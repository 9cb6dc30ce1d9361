using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Simd.GradCheck;
using Xunit;

namespace Simd.Tests.GradCheck;

/// <summary>The published arbitraries stay within their documented ranges and reach their edges.</summary>
public sealed class GradCheckArbitrariesTests
{
    [Property(Arbitrary = new[] { typeof(GradCheckArbitraries) }, MaxTest = 200)]
    public void Recurrent_shapes_are_within_their_bounds(RecurrentShape shape)
    {
        Assert.InRange(shape.InputSize, 1, 40);
        Assert.InRange(shape.HiddenSize, 1, 40);
        Assert.InRange(shape.Steps, 1, 20);
        Assert.InRange(shape.Batch, 1, 4);
    }

    [Property(Arbitrary = new[] { typeof(GradCheckArbitraries) }, MaxTest = 200)]
    public void Attention_shapes_split_the_model_evenly_over_the_heads(AttentionShape shape)
    {
        Assert.InRange(shape.Heads, 1, 8);
        Assert.InRange(shape.HeadSize, 1, 9);
        Assert.Equal(shape.ModelSize, shape.Heads * shape.HeadSize);
        Assert.InRange(shape.QueryCount, 1, 16);
        Assert.InRange(shape.KeyCount, 1, 16);
        Assert.InRange(shape.Batch, 1, 4);
    }

    [Property(Arbitrary = new[] { typeof(GradCheckArbitraries) }, MaxTest = 100)]
    public void Default_weights_are_in_the_open_unit_interval(WeightArray weights)
    {
        Assert.Equal(1, weights.Scale);
        Assert.InRange(weights.Values.Length, 1, 256);
        Assert.All(weights.Values, static v => Assert.True(v > -1 && v < 1, $"{v}"));
        Assert.Equal(GradCheckGen.Uniform(weights.Seed, weights.Values.Length, 1), weights.Values);
    }

    [Property(Arbitrary = new[] { typeof(GradCheckArbitraries) }, MaxTest = 100)]
    public void Sequences_are_time_major_and_sized_by_their_dimensions(SequenceBatch sequence)
    {
        Assert.InRange(sequence.Steps, 1, 20);
        Assert.InRange(sequence.Batch, 1, 4);
        Assert.InRange(sequence.Features, 1, 40);
        Assert.Equal(sequence.Steps * sequence.Batch * sequence.Features, sequence.Values.Length);
        Assert.All(sequence.Values, static v => Assert.True(v > -1 && v < 1, $"{v}"));
        var last = sequence.At(sequence.Steps - 1, sequence.Batch - 1);
        Assert.True(last.SequenceEqual(sequence.Values.AsSpan(sequence.Values.Length - sequence.Features)));
    }

    [Fact]
    public void Weights_of_a_chosen_scale_stay_within_it_and_use_most_of_it()
    {
        var all = GradCheckGen.Weights(length: 1000, scale: 0.25).Sample(10, 20).SelectMany(static w => w.Values).ToArray();
        Assert.Equal(10_000, all.Length);
        Assert.All(all, static v => Assert.True(v > -0.25 && v < 0.25, $"{v}"));

        // 10,000 uniform draws: the extremes come within 1% of the bounds except with probability about 2·e⁻⁵⁰.
        Assert.True(all.Min() < -0.2475 && all.Max() > 0.2475, $"range [{all.Min()}, {all.Max()}]");
    }

    [Fact]
    public void Sizes_cover_every_vector_width_remainder()
    {
        var sizes = GradCheckGen.Size(65).Sample(2000, 50).ToArray();
        Assert.All(sizes, static s => Assert.InRange(s, 1, 65));

        // Sizes 1 to 65 modulo 16 (the widest vector, 16 floats) take every remainder; 2,000 draws miss one only with
        // negligible probability (each remainder has probability ≥ 4/65 per draw).
        Assert.Equal(16, sizes.Select(static s => s % 16).Distinct().Count());
        Assert.Contains(1, sizes);
        Assert.Contains(65, sizes);
    }

    [Fact]
    public void Generators_reject_bad_bounds_naming_them()
    {
        Assert.Throws<ArgumentOutOfRangeException>("maximum", () => GradCheckGen.Size(0));
        Assert.Throws<ArgumentOutOfRangeException>("scale", () => GradCheckGen.Weights(4, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>("scale", () => GradCheckGen.Sequences(3, double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>("features", () => GradCheckGen.Sequences(0, 1));
    }

    [Fact]
    public void The_merged_map_serves_the_arbitraries()
    {
        var shapes = GradCheckArbitraries.Map.ArbFor<AttentionShape>().Generator.Sample(50, 10);
        Assert.All(shapes, static s => Assert.Equal(s.ModelSize, s.Heads * s.HeadSize));
    }
}
