using System;
using FsCheck;
using FsCheck.Fluent;

namespace Simd.Tests;

/// <summary>
/// A random single-head problem: which catalog cell (taken modulo the catalog's length), T keys, a batch, valid lengths
/// per sample (empty: all T valid) and a seed for the weights and inputs.
/// </summary>
public sealed record SingleHeadCase(int Cell, int Keys, int Batch, int[] Lengths, int Seed)
{
    public override string ToString() => $"cell {Cell}, T {Keys}, B {Batch}, lengths [{string.Join(",", Lengths)}], seed {Seed}";
}

/// <summary>A random multi-head problem; a causal one has as many queries as keys.</summary>
public sealed record MultiHeadCase(int Cell, int Queries, int Keys, int Batch, int[] KeyLengths, bool Causal, int Seed)
{
    public override string ToString() => $"cell {Cell}, Tq {Queries}, Tk {Keys}, B {Batch}, keyLengths [{string.Join(",", KeyLengths)}], causal {Causal}, seed {Seed}";
}

/// <summary>Generators for the attention properties.</summary>
public static class AttentionArbitraries
{
    /// <summary>T from 1 to 70, B from 1 to 4 and lengths that hit 0 and T often.</summary>
    public static Arbitrary<SingleHeadCase> SingleHeadCases() => Arb.From(SingleHead(70));

    public static Arbitrary<MultiHeadCase> MultiHeadCases() => Arb.From(MultiHead(70));

    internal static Gen<SingleHeadCase> SingleHead(int maxKeys) =>
        from cell in Gen.Choose(0, 1000)
        from keys in Gen.Choose(1, maxKeys)
        from batch in Gen.Choose(1, 4)
        from lengths in Lengths(keys, batch)
        from seed in Gen.Choose(0, int.MaxValue)
        select new SingleHeadCase(cell, keys, batch, lengths, seed);

    internal static Gen<MultiHeadCase> MultiHead(int maxTokens) =>
        from cell in Gen.Choose(0, 1000)
        from causal in Gen.Elements(true, false)
        from keys in Gen.Choose(1, maxTokens)
        from queries in causal ? Gen.Constant(keys) : Gen.Choose(1, maxTokens)
        from batch in Gen.Choose(1, 4)
        from lengths in Lengths(keys, batch)
        from seed in Gen.Choose(0, int.MaxValue)
        select new MultiHeadCase(cell, queries, keys, batch, lengths, causal, seed);

    /// <summary>One case in five has no lengths (all valid); otherwise 0 and T each come up one time in four.</summary>
    private static Gen<int[]> Lengths(int keys, int batch) =>
        Gen.Frequency(
            (1, Gen.Constant(Array.Empty<int>())),
            (4, Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Constant(keys)), (2, Gen.Choose(0, keys))), batch)));
}
