using System;
using System.Linq;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>RNN PyTorch layout import/export, index helpers and seeded initialisation.</summary>
public sealed class RnnLayoutTests
{
    [Theory]
    [MemberData(nameof(RnnCatalog.SingleShapes), MemberType = typeof(RnnCatalog))]
    public void Export_then_import_is_bit_identical_and_indices_agree(string shape)
    {
        var cell = RnnCatalog.Single(shape);
        var c = new RnnCase(cell.InputSize, cell.HiddenSize, RnnCatalog.IsRelu(shape), 1, 1, shape.GetHashCode(StringComparison.Ordinal));
        c.Load(cell);
        int I = cell.InputSize, H = cell.HiddenSize;
        var wih = new float[H * I];
        var whh = new float[H * H];
        var bih = new float[H];
        var bhh = new float[H];
        cell.ExportPyTorch(wih, whh, bih, bhh);
        Assert.Equal(RnnCase.ToFloat(c.WeightIh), wih);
        Assert.Equal(RnnCase.ToFloat(c.WeightHh), whh);
        Assert.Equal(RnnCase.ToFloat(c.BiasIh), bih);
        Assert.Equal(RnnCase.ToFloat(c.BiasHh), bhh);

        // Every PyTorch element maps to its own parameter slot and the slots cover the layout exactly once.
        var seen = new bool[cell.ParameterCount];
        for (var row = 0; row < H; row++)
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
        var reimported = RnnCatalog.Single(shape);
        reimported.ImportPyTorch(wih, whh, bih, bhh);
        Assert.True(cell.Parameters.SequenceEqual(reimported.Parameters));
        Assert.Equal((H * (I + H)) + (2 * H), cell.ParameterCount);
    }

    [Fact]
    public void Weights_are_stored_transposed_with_hidden_units_contiguous()
    {
        // The documented layout: row k of [weight_ih | weight_hh]ᵀ holds all hidden units side by side, then the biases.
        for (var k = 0; k < 33 + 65; k++)
        {
            for (var unit = 0; unit < 65; unit++)
            {
                Assert.Equal((k * 65) + unit, Rnn33x65.WeightIndex(unit, k));
            }
        }

        Assert.Equal(98 * 65, Rnn33x65.BiasIhIndex(0));
        Assert.Equal((98 * 65) + 65, Rnn33x65.BiasHhIndex(0));
        Assert.Equal((98 * 65) + 130, Rnn33x65.ParameterCount);
    }

    [Fact]
    public void Static_layout_conversions_round_trip_gradient_sized_buffers()
    {
        var c = new RnnCase(9, 42, relu: false, 1, 1, 7);
        var parameters = new double[Rnn9x42D.ParameterCount];
        Rnn9x42D.FromPyTorchLayout(c.WeightIh, c.WeightHh, c.BiasIh, c.BiasHh, parameters);
        var wih = new double[42 * 9];
        var whh = new double[42 * 42];
        var bih = new double[42];
        var bhh = new double[42];
        Rnn9x42D.ToPyTorchLayout(parameters, wih, whh, bih, bhh);
        Assert.Equal(c.WeightIh, wih);
        Assert.Equal(c.WeightHh, whh);
        Assert.Equal(c.BiasIh, bih);
        Assert.Equal(c.BiasHh, bhh);
    }

    [Fact]
    public void Initialization_is_seeded_and_within_pytorch_bounds()
    {
        var a = new Rnn33x65();
        var b = new Rnn33x65();
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

        // Double cells draw from the same bound.
        var doubles = new RnnRelu33x65D();
        doubles.InitializeParameters(42);
        Assert.All(doubles.Parameters.ToArray(), v => Assert.InRange(v, -bound, bound));
    }
}
