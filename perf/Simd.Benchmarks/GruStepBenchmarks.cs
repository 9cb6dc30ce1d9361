using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>
/// One GRU step (reset after, PyTorch's variant) of one sample per call: the scalar reference, the generated cell, and
/// the time to stream a buffer the size of the cell's weights (3H·(I+H) floats) once — the lower bound for a batch-1
/// step once the weights no longer fit in L1.
/// </summary>
[MemoryDiagnoser]
public class GruStepBenchmarks
{
    private ScalarGru _scalar = null!;
    private Gru32x64 _c32 = null!;
    private Gru128x256 _c128 = null!;
    private bool _large;
    private float[] _x = null!, _hScalar = null!, _hSimd = null!, _weights = null!;

    /// <summary>Cell shape, I x H.</summary>
    [Params("32x64", "128x256")]
    public string Shape { get; set; } = "32x64";

    /// <summary>Builds both cells with the same seeded parameters and checks they agree over a few steps.</summary>
    [GlobalSetup]
    public void Setup()
    {
        IHiddenStateCell<float> cell = Shape switch
        {
            "32x64" => _c32 = new Gru32x64(),
            "128x256" => _c128 = new Gru128x256(),
            _ => throw new ArgumentException($"Unknown shape {Shape}"),
        };
        _large = _c128 is not null;
        int n = cell.InputSize, h = cell.HiddenSize;
        _scalar = new ScalarGru(n, h);
        _scalar.Initialize(7);
        cell.ImportPyTorch(_scalar.WeightIh, _scalar.WeightHh, _scalar.BiasIh, _scalar.BiasHh);
        _x = Verify.RandomArray(n, 1);
        _hScalar = Verify.RandomArray(h, 2);
        _hSimd = (float[])_hScalar.Clone();
        for (int step = 0; step < 5; step++)
        {
            _scalar.Step(_x, _hScalar);
            cell.Step(_x, _hSimd);
        }

        Verify.Close($"GRU step {Shape}", _hSimd, _hScalar, Verify.StateTolerance);
        _weights = Verify.RandomArray(3 * h * (n + h), 4);
    }

    /// <summary>Scalar reference step.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step(_x, _hScalar);

    /// <summary>Generated cell's <c>Step</c> (direct call on the sealed class, as user code would do).</summary>
    [Benchmark]
    public void Simd()
    {
        if (_large)
        {
            _c128.Step(_x, _hSimd);
        }
        else
        {
            _c32.Step(_x, _hSimd);
        }
    }

    /// <summary>Calibration: read 3H·(I+H) floats once (streaming dot product).</summary>
    /// <returns>The sum, so the read is not optimised away.</returns>
    [Benchmark]
    public float WeightRead() => Calibration.StreamingDot(_weights);
}
