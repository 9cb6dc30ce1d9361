using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>
/// One vanilla RNN (tanh) step of one sample (batch 1) per call: the scalar reference, the generated cell, and the time
/// to stream a buffer the size of the cell's weights (H·(I+H) floats) once.
/// </summary>
[MemoryDiagnoser]
public class RnnStepBenchmarks
{
    private ScalarRnn _scalar = null!;
    private Rnn32x64 _c32 = null!;
    private Rnn128x256 _c128 = null!;
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
            "32x64" => _c32 = new Rnn32x64(),
            "128x256" => _c128 = new Rnn128x256(),
            _ => throw new ArgumentException($"Unknown shape {Shape}"),
        };
        _large = Shape == "128x256";
        int n = cell.InputSize, h = cell.HiddenSize;
        _scalar = new ScalarRnn(n, h);
        _scalar.Initialize(1);
        cell.ImportPyTorch(_scalar.WeightIh, _scalar.WeightHh, _scalar.BiasIh, _scalar.BiasHh);
        _x = Verify.RandomArray(n, 2);
        _hScalar = Verify.RandomArray(h, 3);
        _hSimd = (float[])_hScalar.Clone();
        for (int t = 0; t < 5; t++)
        {
            _scalar.Step(_x, _hScalar);
            cell.Step(_x, _hSimd);
            Verify.Close($"RNN step {Shape}, step {t}", _hSimd, _hScalar, Verify.StateTolerance);
        }

        _weights = Verify.RandomArray(h * (n + h), 4);
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

    /// <summary>Calibration: read H·(I+H) floats once (streaming dot product).</summary>
    /// <returns>The sum, so the read is not optimised away.</returns>
    [Benchmark]
    public float WeightRead() => Calibration.StreamingDot(_weights);
}
