using System;
using Simd.Tests.Support;
using Simd.Training;
using Xunit;
using static Simd.Tests.DenseTests;

namespace Simd.Tests;

/// <summary>Gradient buffers, the global norm and clipping, against sums in double.</summary>
public sealed class ParameterSetTests
{
    [Fact]
    public void Each_module_gets_a_zeroed_buffer_in_its_own_layout()
    {
        var dense = new DenseTanh3x17();
        var embedding = new Embed6x13D();
        var set = new ParameterSet<float>().Add("dense", dense).Add("empty", new ParameterBlock<float>(0));
        Assert.Equal(2, set.Count);
        Assert.Equal(DenseTanh3x17.ParameterCount, set.Gradients(dense).Length);
        Assert.Equal("dense", set.Name(0));
        Assert.Same(dense, set.Module(0));
        Assert.All(set.Gradients(dense).ToArray(), g => Assert.Equal(0f, g));

        // Backward accumulates into the buffer; ZeroGradients clears it.
        set.Gradients(dense).Fill(3);
        set.ZeroGradients();
        Assert.All(set.Gradients(dense).ToArray(), g => Assert.Equal(0f, g));
        Assert.NotNull(new ParameterSet<double>().Add("table", embedding).Gradients(embedding).ToArray());
    }

    [Fact]
    public void Names_and_modules_are_unique_and_unknown_modules_are_rejected()
    {
        var a = new ParameterBlock<double>(3);
        var set = new ParameterSet<double>().Add("a", a);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => set.Add("a", new ParameterBlock<double>(1))).ParamName);
        Assert.Equal("module", Assert.Throws<ArgumentException>(() => set.Add("b", a)).ParamName);
        Assert.Equal("module", Assert.Throws<ArgumentException>(() => set.Gradients(new ParameterBlock<double>(3))).ParamName);
        Assert.Equal(1, set.Count);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(3.0)]
    [InlineData(1000.0)]
    public void Clipping_scales_all_gradients_to_the_maximum_norm_only_when_above_it(double maxNorm)
    {
        var random = new Random(42);
        var modules = new[] { new ParameterBlock<float>(37), new ParameterBlock<float>(5), new ParameterBlock<float>(70) };
        var set = new ParameterSet<float>();
        for (var m = 0; m < modules.Length; m++)
        {
            set.Add("m" + m, modules[m]);
            FillUniform(random, set.Gradients(modules[m]), 1);
        }

        var before = Array.ConvertAll(modules, m => set.Gradients(m).ToArray());
        var squares = 0.0;
        foreach (var g in before)
        {
            foreach (var v in g)
            {
                squares += (double)v * v;
            }
        }

        // The float norm sums 112 squares: 112·u relative bounds its rounding (≈ 7e-6); 1e-5 is that with margin.
        var norm = Math.Sqrt(squares);
        AssertClose(norm, set.GradientNorm(), 1e-5 * norm, "norm");
        AssertClose(norm, set.ClipGradientsByGlobalNorm((float)maxNorm), 1e-5 * norm, "returned norm");

        // PyTorch's factor: maxNorm / (norm + 1e-6), applied only when below 1.
        var factor = maxNorm / (norm + 1e-6);
        for (var m = 0; m < modules.Length; m++)
        {
            var after = set.Gradients(modules[m]);
            for (var k = 0; k < after.Length; k++)
            {
                var expected = factor < 1 ? before[m][k] * factor : before[m][k];
                AssertClose(expected, after[k], 1e-5 * Math.Abs(before[m][k]), $"g[{m}][{k}]");
            }
        }

        AssertClose(Math.Min(norm, maxNorm), set.GradientNorm(), 2e-5 * norm, "norm after clipping");
    }

    [Fact]
    public void Clipping_rejects_a_non_positive_maximum_and_leaves_gradients_unchanged()
    {
        var module = new ParameterBlock<double>(4);
        var set = new ParameterSet<double>().Add("p", module);
        set.Gradients(module).Fill(2);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => set.ClipGradientsByGlobalNorm(0)).ParamName);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => set.ClipGradientsByGlobalNorm(double.NaN)).ParamName);
        Assert.All(set.Gradients(module).ToArray(), g => Assert.Equal(2.0, g));
        Assert.Equal(4.0, set.GradientNorm());
        Assert.Equal(0.0, new ParameterSet<double>().GradientNorm());
    }
}
