using System;
using System.Linq;
using System.Numerics;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.AttentionData;

namespace Simd.Tests;

/// <summary>Named tensors: names, lengths and offsets as in the contract, import/export round trips and seeded initialisation.</summary>
public sealed class AttentionParameterTests
{
    [Fact]
    public void Single_head_cells_expose_their_declared_sizes()
    {
        ISingleHeadAttention<float> additive = new AttnAdd13x6x17v11();
        Assert.Equal((13, 6, 11, 17), (additive.QuerySize, additive.KeySize, additive.ValueSize, additive.AttentionSize));
        ISingleHeadAttention<float> defaultValue = new AttnAdd5x7x9();
        Assert.Equal((5, 7, 7, 9), (defaultValue.QuerySize, defaultValue.KeySize, defaultValue.ValueSize, defaultValue.AttentionSize));
        ISingleHeadAttention<double> general = new AttnGeneral5x11v3D();
        Assert.Equal((5, 11, 3, 0), (general.QuerySize, general.KeySize, general.ValueSize, general.AttentionSize));
        ISingleHeadAttention<float> dot = new AttnDot7v5();
        Assert.Equal((7, 7, 5, 0), (dot.QuerySize, dot.KeySize, dot.ValueSize, dot.AttentionSize));
        ISingleHeadAttention<float> concat = new AttnConcat6x9a10();
        Assert.Equal((6, 9, 9, 10), (concat.QuerySize, concat.KeySize, concat.ValueSize, concat.AttentionSize));
        IMultiHeadAttention<float> mha = new AttnMha18h6();
        Assert.Equal((18, 6, 3), (mha.ModelSize, mha.Heads, mha.HeadSize));
    }

    [Fact]
    public void Names_lengths_and_offsets_follow_the_contract_layout()
    {
        foreach (var entry in AttentionCatalog.SingleHeadFloat)
        {
            var cell = entry.Create();
            AssertLayout(cell, AttentionLayout.SingleHead(entry.Score, cell.QuerySize, cell.KeySize, cell.AttentionSize), entry.Name);
        }

        foreach (var entry in AttentionCatalog.SingleHeadDouble)
        {
            var cell = entry.Create();
            AssertLayout(cell, AttentionLayout.SingleHead(entry.Score, cell.QuerySize, cell.KeySize, cell.AttentionSize), entry.Name);
        }

        foreach (var entry in AttentionCatalog.MultiHeadFloat)
        {
            var cell = entry.Create();
            AssertLayout(cell, AttentionLayout.MultiHead(cell.ModelSize), entry.Name);
        }

        foreach (var entry in AttentionCatalog.MultiHeadDouble)
        {
            var cell = entry.Create();
            AssertLayout(cell, AttentionLayout.MultiHead(cell.ModelSize), entry.Name);
        }

        Assert.Equal(0, ((IAttentionCell<float>)new AttnDot16()).ParameterCount);
    }

    [Fact]
    public void Import_and_export_round_trip_every_tensor_into_its_row_major_slice()
    {
        RoundTrip(new AttnAdd13x6x17v11());
        RoundTrip(new AttnConcat6x9a10D());
        RoundTrip(new AttnGeneral5x11());
        RoundTrip(new AttnMha9h3());
        RoundTrip(new AttnMha12h4D());
    }

    [Fact]
    public void Unknown_names_and_wrong_tensor_lengths_are_rejected_without_change()
    {
        IAttentionCell<float> cell = new AttnAdd5x7x9();
        cell.InitializeParameters(8);
        var before = cell.Parameters.ToArray();
        foreach (var name in new[] { "weight", "Bias", "in_proj_weight", string.Empty })
        {
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => cell.ImportParameter(name, new float[9])).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => cell.ExportParameter(name, new float[9])).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => cell.ParameterLength(name)).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => cell.ParameterOffset(name)).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => cell.ReadTensor(before, name, new float[9])).ParamName);
        }

        var error = Assert.Throws<ArgumentException>(() => cell.ImportParameter("query_weight", new float[44]));
        Assert.Equal("tensor", error.ParamName);
        Assert.Contains("expected 45", error.Message, StringComparison.Ordinal);
        var sink = new float[10];
        error = Assert.Throws<ArgumentException>(() => cell.ExportParameter("bias", sink));
        Assert.Equal("tensor", error.ParamName);
        Assert.Contains("expected 9", error.Message, StringComparison.Ordinal);
        Assert.All(sink, static v => Assert.Equal(0f, v));
        error = Assert.Throws<ArgumentException>(() => cell.ReadTensor(before, "bias", sink));
        Assert.Equal("tensor", error.ParamName);
        Assert.Contains("expected 9", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => cell.ReadTensor(before.AsSpan(1), "bias", new float[9]));
        Assert.Equal("source", error.ParamName);
        Assert.Contains($"expected {before.Length}", error.Message, StringComparison.Ordinal);
        Assert.All(sink, static v => Assert.Equal(0f, v));
        Assert.Equal(before, cell.Parameters.ToArray());

        IAttentionCell<double> mha = new AttnMha5h1D();
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => mha.ImportParameter("out_proj_weight", new double[25])).ParamName);
        Assert.Equal("tensor", Assert.Throws<ArgumentException>(() => mha.ImportParameter("in_proj_bias", new double[5])).ParamName);
    }

    [Fact]
    public void Initialisation_is_deterministic_per_seed_and_within_the_documented_ranges()
    {
        foreach (var entry in AttentionCatalog.SingleHeadFloat.Where(static e => e.Score != AttentionScore.Dot))
        {
            var cell = entry.Create();
            AssertSeeded(cell, name => name switch
            {
                "query_weight" => (1 / Math.Sqrt(cell.QuerySize), false),
                "key_weight" => (1 / Math.Sqrt(cell.KeySize), false),
                "bias" => (1 / Math.Sqrt(cell.QuerySize), false),
                "score_weight" => (1 / Math.Sqrt(cell.AttentionSize), false),
                _ => (1 / Math.Sqrt(cell.KeySize), false),
            });
        }

        foreach (var entry in AttentionCatalog.SingleHeadDouble.Where(static e => e.Score != AttentionScore.Dot))
        {
            var cell = entry.Create();
            AssertSeeded(cell, name => name switch
            {
                "query_weight" => (1 / Math.Sqrt(cell.QuerySize), false),
                "key_weight" => (1 / Math.Sqrt(cell.KeySize), false),
                "bias" => (1 / Math.Sqrt(cell.QuerySize), false),
                "score_weight" => (1 / Math.Sqrt(cell.AttentionSize), false),
                _ => (1 / Math.Sqrt(cell.KeySize), false),
            });
        }

        foreach (var entry in AttentionCatalog.MultiHeadFloat)
        {
            var cell = entry.Create();
            var e = cell.ModelSize;
            AssertSeeded(cell, name => name switch
            {
                "in_proj_weight" => (Math.Sqrt(6.0 / (4 * e)), false),
                "out_proj.weight" => (1 / Math.Sqrt(e), false),
                _ => (0, true),
            });
        }

        var mha = new AttnMha24h8D();
        AssertSeeded(mha, name => name switch
        {
            "in_proj_weight" => (Math.Sqrt(6.0 / 96), false),
            "out_proj.weight" => (1 / Math.Sqrt(24), false),
            _ => (0, true),
        });
    }

    private static void AssertLayout<T>(IAttentionCell<T> cell, (string Name, int Length)[] layout, string what)
        where T : unmanaged
    {
        Assert.Equal(layout.Select(static t => t.Name).ToArray(), cell.ParameterNames.ToArray());
        var offset = 0;
        foreach (var (name, length) in layout)
        {
            Assert.True(length == cell.ParameterLength(name), $"{what}: length of {name}");
            Assert.True(offset == cell.ParameterOffset(name), $"{what}: offset of {name}");
            offset += length;
        }

        Assert.Equal(offset, cell.ParameterCount);
        Assert.Equal(offset, cell.Parameters.Length);
    }

    private static void RoundTrip<T>(IAttentionCell<T> cell)
        where T : unmanaged, INumberBase<T>
    {
        var random = new Random(cell.ParameterCount);
        var tensors = cell.ParameterNames.ToDictionary(name => name, name => Uniform<T>(random, cell.ParameterLength(name), 1));
        foreach (var (name, tensor) in tensors)
        {
            cell.ImportParameter(name, tensor);
        }

        foreach (var (name, tensor) in tensors)
        {
            var exported = new T[tensor.Length];
            cell.ExportParameter(name, exported);
            Assert.Equal(tensor, exported);
            var read = new T[tensor.Length];
            cell.ReadTensor(cell.Parameters, name, read);
            Assert.Equal(tensor, read);

            // The stored block: row-major, except multi-head attention's two weight matrices, which are stored
            // transposed (IAttentionCell's remarks).
            var block = cell.Parameters.Slice(cell.ParameterOffset(name), tensor.Length).ToArray();
            if (cell is IMultiHeadAttention<T> mha && name is "in_proj_weight" or "out_proj.weight")
            {
                var columns = mha.ModelSize;
                var rows = tensor.Length / columns;
                for (var r = 0; r < rows; r++)
                {
                    for (var c = 0; c < columns; c++)
                    {
                        Assert.Equal(tensor[(r * columns) + c], block[(c * rows) + r]);
                    }
                }
            }
            else
            {
                Assert.Equal(tensor, block);
            }
        }
    }

    /// <summary>
    /// Same seed, same parameters; another seed, other parameters; each tensor inside its documented range
    /// (U(−bound, bound)), not constant, or exactly zero where documented.
    /// </summary>
    private static void AssertSeeded<T>(IAttentionCell<T> cell, Func<string, (double Bound, bool Zero)> documented)
        where T : unmanaged, INumberBase<T>
    {
        cell.InitializeParameters(42);
        var first = cell.Parameters.ToArray();
        cell.Parameters.Clear();
        cell.InitializeParameters(42);
        Assert.Equal(first, cell.Parameters.ToArray());
        cell.InitializeParameters(43);
        Assert.NotEqual(first, cell.Parameters.ToArray());
        cell.InitializeParameters(42);
        foreach (var name in cell.ParameterNames)
        {
            var (bound, zero) = documented(name);
            var values = ToDouble<T>(cell.Parameters.Slice(cell.ParameterOffset(name), cell.ParameterLength(name)));
            if (zero)
            {
                Assert.All(values, static v => Assert.Equal(0, v));
                continue;
            }

            // A float draw may round up by half an ulp past the bound.
            Assert.All(values, v => Assert.True(Math.Abs(v) <= bound * (1 + 1e-7), $"{name}: {v} outside ±{bound}"));
            if (values.Length > 1)
            {
                Assert.True(values.Distinct().Count() > 1, $"{name} is constant");
            }
        }
    }
}
