using System;
using System.Linq;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>GRU PyTorch layout import/export, index helpers and seeded initialisation, for both variants.</summary>
public sealed class GruLayoutTests
{
    [Theory]
    [MemberData(nameof(GruCatalog.SingleCells), MemberType = typeof(GruCatalog))]
    public void Export_then_import_is_bit_identical_and_indices_agree(string variant, string shape)
    {
        var cell = GruCatalog.Single(variant, shape);
        var c = new GruCase(cell.InputSize, cell.HiddenSize, 1, 1, shape.GetHashCode(StringComparison.Ordinal));
        c.Load(cell);
        int I = cell.InputSize, H = cell.HiddenSize;
        var wih = new float[3 * H * I];
        var whh = new float[3 * H * H];
        var bih = new float[3 * H];
        var bhh = new float[3 * H];
        cell.ExportPyTorch(wih, whh, bih, bhh);
        Assert.Equal(GruCase.ToFloat(c.WeightIh), wih);
        Assert.Equal(GruCase.ToFloat(c.WeightHh), whh);
        Assert.Equal(GruCase.ToFloat(c.BiasIh), bih);
        Assert.Equal(GruCase.ToFloat(c.BiasHh), bhh);

        // Every PyTorch element maps to its own parameter slot and the slots cover the layout exactly once.
        var seen = new bool[cell.ParameterCount];
        for (var row = 0; row < 3 * H; row++)
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
        var reimported = GruCatalog.Single(variant, shape);
        reimported.ImportPyTorch(wih, whh, bih, bhh);
        Assert.True(cell.Parameters.SequenceEqual(reimported.Parameters));

        // PyTorch's nn.GRU count: weight_ih 3H×I, weight_hh 3H×H, two 3H biases.
        Assert.Equal((3 * H * (I + H)) + (6 * H), cell.ParameterCount);
    }

    [Fact]
    public void Panel_rows_hold_the_r_z_n_weights_of_a_panels_units_side_by_side()
    {
        // The documented layout: 16 float units per panel; panel 0's row k holds r, z, n of units 0..15 in turn;
        // the 15-unit tail panel's rows are 45 wide. 17×31 has one full panel and a tail.
        Assert.Equal(0, Gru17x31.WeightIndex(0, 0));
        Assert.Equal(16, Gru17x31.WeightIndex(31, 0));
        Assert.Equal(32, Gru17x31.WeightIndex(62, 0));
        Assert.Equal(48, Gru17x31.WeightIndex(0, 1));
        Assert.Equal(48 * 48, Gru17x31.WeightIndex(16, 0));
        Assert.Equal((48 * 48) + 15, Gru17x31.WeightIndex(31 + 16, 0));
        Assert.Equal((48 * 48) + 45, Gru17x31.WeightIndex(16, 1));
        Assert.Equal(3 * 31 * 48, Gru17x31.BiasIhIndex(0));
        Assert.Equal((3 * 31 * 48) + 48, Gru17x31.BiasIhIndex(16));
        Assert.Equal((3 * 31 * 48) + 93, Gru17x31.BiasHhIndex(0));
    }

    [Fact]
    public void Initialization_is_seeded_and_within_pytorch_bounds()
    {
        var a = new Gru33x65();
        var b = new Gru33x65();
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
