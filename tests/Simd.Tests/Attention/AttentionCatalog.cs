using System;
using Simd.Tests.Support;

namespace Simd.Tests;

/// <summary>A declared single-head cell and the score the reference must use for it.</summary>
internal sealed record SingleHeadEntry<T>(string Name, AttentionScore Score, Func<ISingleHeadAttention<T>> Create)
    where T : unmanaged
{
    public override string ToString() => Name;
}

/// <summary>A declared multi-head cell.</summary>
internal sealed record MultiHeadEntry<T>(string Name, Func<IMultiHeadAttention<T>> Create)
    where T : unmanaged
{
    public override string ToString() => Name;
}

/// <summary>The generated attention cells under test; properties pick among them by index.</summary>
internal static class AttentionCatalog
{
    public static readonly SingleHeadEntry<float>[] SingleHeadFloat =
    {
        new("Additive(5,7,9)", AttentionScore.Additive, static () => new AttnAdd5x7x9()),
        new("Additive(1,1,1)", AttentionScore.Additive, static () => new AttnAdd1x1x1()),
        new("Additive(13,6,17,V=11)", AttentionScore.Additive, static () => new AttnAdd13x6x17v11()),
        new("Additive(64,64,64)", AttentionScore.Additive, static () => new AttnAdd64x64x64()),
        new("Dot(7,V=5)", AttentionScore.Dot, static () => new AttnDot7v5()),
        new("Dot(16)", AttentionScore.Dot, static () => new AttnDot16()),
        new("General(5,11)", AttentionScore.General, static () => new AttnGeneral5x11()),
        new("Concat(6,9,A=10)", AttentionScore.Concat, static () => new AttnConcat6x9a10()),
    };

    public static readonly SingleHeadEntry<double>[] SingleHeadDouble =
    {
        new("Additive(5,7,9)D", AttentionScore.Additive, static () => new AttnAdd5x7x9D()),
        new("Additive(1,1,1)D", AttentionScore.Additive, static () => new AttnAdd1x1x1D()),
        new("Additive(13,6,17,V=11)D", AttentionScore.Additive, static () => new AttnAdd13x6x17v11D()),
        new("Dot(7,V=5)D", AttentionScore.Dot, static () => new AttnDot7v5D()),
        new("General(5,11,V=3)D", AttentionScore.General, static () => new AttnGeneral5x11v3D()),
        new("Concat(6,9,A=10)D", AttentionScore.Concat, static () => new AttnConcat6x9a10D()),
    };

    public static readonly MultiHeadEntry<float>[] MultiHeadFloat =
    {
        new("Mha(5,1)", static () => new AttnMha5h1()),
        new("Mha(6,2)", static () => new AttnMha6h2()),
        new("Mha(9,3)", static () => new AttnMha9h3()),
        new("Mha(12,4)", static () => new AttnMha12h4()),
        new("Mha(10,5)", static () => new AttnMha10h5()),
        new("Mha(18,6)", static () => new AttnMha18h6()),
        new("Mha(14,7)", static () => new AttnMha14h7()),
        new("Mha(24,8)", static () => new AttnMha24h8()),
        new("Mha(64,4)", static () => new AttnMha64h4()),
    };

    public static readonly MultiHeadEntry<double>[] MultiHeadDouble =
    {
        new("Mha(5,1)D", static () => new AttnMha5h1D()),
        new("Mha(9,3)D", static () => new AttnMha9h3D()),
        new("Mha(12,4)D", static () => new AttnMha12h4D()),
        new("Mha(10,5)D", static () => new AttnMha10h5D()),
        new("Mha(14,7)D", static () => new AttnMha14h7D()),
        new("Mha(24,8)D", static () => new AttnMha24h8D()),
    };

    /// <summary>The double reference of a cell, built from the cell's current parameters as it exports them.</summary>
    public static SingleHeadReference Reference<T>(AttentionScore score, ISingleHeadAttention<T> cell)
        where T : unmanaged, System.Numerics.INumberBase<T>
        => new(score, cell.QuerySize, cell.KeySize, cell.ValueSize, cell.AttentionSize, Exported(cell));

    public static MultiHeadReference Reference<T>(IMultiHeadAttention<T> cell)
        where T : unmanaged, System.Numerics.INumberBase<T>
        => new(cell.ModelSize, cell.Heads, Exported(cell));

    /// <summary>Every tensor in its row-major PyTorch shape, concatenated in ParameterNames order.</summary>
    public static double[] Exported<T>(IAttentionCell<T> cell)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        var result = new double[cell.ParameterCount];
        var at = 0;
        foreach (var name in cell.ParameterNames)
        {
            var tensor = new T[cell.ParameterLength(name)];
            cell.ExportParameter(name, tensor);
            AttentionData.ToDouble<T>(tensor).CopyTo(result, at);
            at += tensor.Length;
        }

        return result;
    }
}
