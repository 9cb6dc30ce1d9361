using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>
/// One LSTM step of one sample (batch 1) per call: the scalar reference, the generated cell, and the time to stream
/// a buffer the size of the cell's weights (4H·(I+H) floats) once — the lower bound for a batch-1 step once the
/// weights no longer fit in L1.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private ScalarLstm _scalar = null!;
    private ILstmCell<float> _cell = null!;
    private Lstm8x16 _c8 = null!;
    private Lstm16x32 _c16 = null!;
    private Lstm32x64 _c32 = null!;
    private Lstm128x256 _c128 = null!;
    private Lstm256x512 _c256 = null!;
    private int _which;
    private float[] _x = null!, _hScalar = null!, _cScalar = null!, _hSimd = null!, _cSimd = null!, _weights = null!;

    /// <summary>Cell shape, I x H.</summary>
    [Params("8x16", "16x32", "32x64", "128x256", "256x512")]
    public string Shape { get; set; } = "8x16";

    /// <summary>Builds both cells with the same seeded parameters and checks they agree over a few steps.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_cell, _which) = Shape switch
        {
            "8x16" => ((ILstmCell<float>)(_c8 = new Lstm8x16()), 0),
            "16x32" => (_c16 = new Lstm16x32(), 1),
            "32x64" => (_c32 = new Lstm32x64(), 2),
            "128x256" => (_c128 = new Lstm128x256(), 3),
            "256x512" => (_c256 = new Lstm256x512(), 4),
            _ => throw new ArgumentException($"Unknown shape {Shape}"),
        };
        var fixture = new StepFixture($"Step {Shape}", _cell, Verify.StateTolerance);
        (_scalar, _x, _hScalar, _cScalar, _hSimd, _cSimd) = (fixture.Scalar, fixture.X, fixture.HScalar, fixture.CScalar, fixture.HSimd, fixture.CSimd);
        int n = _cell.InputSize, h = _cell.HiddenSize;
        _weights = Verify.RandomArray(4 * h * (n + h), 4);
    }

    /// <summary>Scalar reference step.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step(_x, _hScalar, _cScalar);

    /// <summary>Generated cell's <c>Step</c> (direct call on the sealed class, as user code would do).</summary>
    [Benchmark]
    public void Simd()
    {
        switch (_which)
        {
            case 0: _c8.Step(_x, _hSimd, _cSimd); break;
            case 1: _c16.Step(_x, _hSimd, _cSimd); break;
            case 2: _c32.Step(_x, _hSimd, _cSimd); break;
            case 3: _c128.Step(_x, _hSimd, _cSimd); break;
            default: _c256.Step(_x, _hSimd, _cSimd); break;
        }
    }

    /// <summary>Calibration: read 4H·(I+H) floats once (streaming dot product).</summary>
    /// <returns>The sum, so the read is not optimised away.</returns>
    [Benchmark]
    public float WeightRead() => Calibration.StreamingDot(_weights);
}
