using System;
using System.IO;
using Simd.Interop;
using Xunit;

namespace Simd.Tests.Interop;

/// <summary>A checked-in golden file and element-wise comparison against it.</summary>
internal sealed class GoldenFile : IDisposable
{
    private readonly SafeTensorsFile _file;

    public GoldenFile(string name)
    {
        Name = name;
        _file = SafeTensorsFile.Open(PathOf(name));
    }

    public string Name { get; }

    public SafeTensorsFile File => _file;

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name + ".safetensors");

    /// <summary>The tensor converted to double.</summary>
    public double[] Read(string tensor)
    {
        Assert.True(_file.TryGetTensor(tensor, out var info), $"{Name}: no tensor '{tensor}'");
        var values = new double[info.ElementCount];
        _file.ReadTensor<double>(tensor, values);
        return values;
    }

    public long Dimension(string tensor, int axis)
    {
        Assert.True(_file.TryGetTensor(tensor, out var info));
        return info.Shape[axis];
    }

    /// <summary>|actual − expected| ≤ tolerance · (1 + |expected|) for every element.</summary>
    public void AssertClose(string tensor, ReadOnlySpan<double> actual, double tolerance)
    {
        var expected = Read(tensor);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= tolerance * (1 + Math.Abs(expected[i])), $"{Name} {tensor}[{i}]: Simd {actual[i]:R}, PyTorch {expected[i]:R}, difference {error:E2} > {tolerance:E0}·(1 + |expected|)");
        }
    }

    public void Dispose() => _file.Dispose();
}
