using System;
using System.Linq;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>PyTorch layout import/export, index helpers and seeded initialisation.</summary>
public sealed class LstmLayoutTests
{
    [Theory]
    [MemberData(nameof(CellCatalog.SingleShapes), MemberType = typeof(CellCatalog))]
    public void Export_then_import_is_bit_identical_and_indices_agree(string shape)
    {
        var cell = CellCatalog.Single(shape);
        var c = new LstmCase(cell.InputSize, cell.HiddenSize, 1, 1, shape.GetHashCode(StringComparison.Ordinal));
        c.Load(cell);
        int I = cell.InputSize, H = cell.HiddenSize;
        var wih = new float[4 * H * I];
        var whh = new float[4 * H * H];
        var bih = new float[4 * H];
        var bhh = new float[4 * H];
        cell.ExportPyTorch(wih, whh, bih, bhh);
        Assert.Equal(LstmCase.ToFloat(c.WeightIh), wih);
        Assert.Equal(LstmCase.ToFloat(c.WeightHh), whh);
        Assert.Equal(LstmCase.ToFloat(c.BiasIh), bih);
        Assert.Equal(LstmCase.ToFloat(c.BiasHh), bhh);

        // Every PyTorch element maps to its own parameter slot and the slots cover the layout exactly once.
        var seen = new bool[cell.ParameterCount];
        for (var row = 0; row < 4 * H; row++)
        {
            for (var k = 0; k < I + H; k++)
            {
                var index = cell.WeightIndex(row, k);
                var expected = k < I ? wih[(row * I) + k] : whh[(row * H) + k - I];
                Assert.Equal(expected, cell.Parameters[index]);
                Assert.False(seen[index]);
                seen[index] = true;
            }

            Assert.Equal(bih[row], cell.Parameters[cell.BiasIhIndex(row)]);
            Assert.Equal(bhh[row], cell.Parameters[cell.BiasHhIndex(row)]);
            Assert.False(seen[cell.BiasIhIndex(row)] || seen[cell.BiasHhIndex(row)]);
            seen[cell.BiasIhIndex(row)] = seen[cell.BiasHhIndex(row)] = true;
        }

        Assert.All(seen, Assert.True);
        var reimported = CellCatalog.Single(shape);
        reimported.ImportPyTorch(wih, whh, bih, bhh);
        Assert.True(cell.Parameters.SequenceEqual(reimported.Parameters));
        Assert.Equal((4 * H * (I + H)) + (8 * H), cell.ParameterCount);
    }

    [Fact]
    public void Initialization_is_seeded_and_within_pytorch_bounds()
    {
        var a = new Lstm33x65();
        var b = new Lstm33x65();
        a.InitializeParameters(42);
        b.InitializeParameters(42);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        b.InitializeParameters(43);
        Assert.False(a.Parameters.SequenceEqual(b.Parameters));

        var bound = 1 / Math.Sqrt(65);
        var values = a.Parameters.ToArray();
        Assert.All(values, v => Assert.InRange(v, -bound, bound));

        // Uniform on (−b, b): mean 0 and variance b²/3, checked to about five standard errors.
        var mean = values.Average(static v => (double)v);
        var variance = values.Average(v => (v - mean) * (v - mean));
        var n = values.Length;
        Assert.InRange(mean, -5 * bound / Math.Sqrt(3 * n), 5 * bound / Math.Sqrt(3 * n));
        Assert.InRange(variance, bound * bound / 3 * 0.97, bound * bound / 3 * 1.03);
    }
}
