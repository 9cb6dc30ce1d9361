using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>
/// One LSTM step for a batch of 64 independent samples at (64,128): 2·B·4H·(I+H) = 12.6 MFLOP per call, compute-bound,
/// so the summary reports it as a fraction of the FMA peak.
/// </summary>
[MemoryDiagnoser]
public class BatchBenchmarks
{
    /// <summary>Batch size.</summary>
    public const int Batch = 64;

    private readonly ScalarLstm _scalar = new(Lstm64x128.InputSize, Lstm64x128.HiddenSize);
    private readonly Lstm64x128 _cell = new();
    private float[] _x = null!, _hScalar = null!, _cScalar = null!, _hSimd = null!, _cSimd = null!;

    /// <summary>Seeds both cells identically and checks a few batched steps agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        const int n = Lstm64x128.InputSize, h = Lstm64x128.HiddenSize;
        _scalar.Initialize(7);
        Verify.CopyParameters(_cell, _scalar);
        _x = Verify.RandomArray(Batch * n, 11);
        _hScalar = Verify.RandomArray(Batch * h, 12);
        _cScalar = Verify.RandomArray(Batch * h, 13);
        _hSimd = (float[])_hScalar.Clone();
        _cSimd = (float[])_cScalar.Clone();
        for (int t = 0; t < 3; t++)
        {
            _scalar.StepBatch(_x, _hScalar, _cScalar);
            _cell.StepBatch(_x, _hSimd, _cSimd);
            Verify.Close($"StepBatch h (step {t + 1})", _hSimd, _hScalar, Verify.StateTolerance);
            Verify.Close($"StepBatch c (step {t + 1})", _cSimd, _cScalar, Verify.StateTolerance);
        }
    }

    /// <summary>Scalar reference, sample by sample.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.StepBatch(_x, _hScalar, _cScalar);

    /// <summary>Generated <c>StepBatch</c> over all 64 samples.</summary>
    [Benchmark]
    public void Simd() => _cell.StepBatch(_x, _hSimd, _cSimd);

    /// <summary>Generated <c>Step</c> called once per sample: what batching saves (weights re-read 64 times).</summary>
    [Benchmark]
    public void SimdPerSample()
    {
        const int n = Lstm64x128.InputSize, h = Lstm64x128.HiddenSize;
        for (int b = 0; b < Batch; b++)
        {
            _cell.Step(_x.AsSpan(b * n, n), _hSimd.AsSpan(b * h, h), _cSimd.AsSpan(b * h, h));
        }
    }
}
