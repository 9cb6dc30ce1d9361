using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>
/// Batch-1 steps of cells that keep bfloat16 inference weights, beside the scalar reference, the float cell of the
/// same shape, and a streaming read of the bfloat16 weight bytes (2 bytes per weight): a step still reads every
/// weight once, but half as many bytes.
/// </summary>
[MemoryDiagnoser]
public class BFloat16StepBenchmarks
{
    // bfloat16 keeps 8 significant bits (relative rounding ≤ 2⁻⁸ per weight); over three steps the state differs
    // from the float reference by up to about 1e-3 (observed 9e-4), so agreement is checked at 5e-3.
    private const float BFloat16StateTolerance = 5e-3f;

    private ScalarLstm _scalar = null!;
    private ILstmCell<float> _float = null!;
    private Lstm32x64Bf16 _b32 = null!;
    private Lstm128x256Bf16 _b128 = null!;
    private bool _small;
    private float[] _x = null!, _hScalar = null!, _cScalar = null!, _hSimd = null!, _cSimd = null!, _halfWeights = null!;

    /// <summary>Cell shape, I x H.</summary>
    [Params("32x64", "128x256")]
    public string Shape { get; set; } = "32x64";

    /// <summary>Builds the cells with the same seeded parameters and checks the bfloat16 cell tracks the reference.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _small = Shape == "32x64";
        ILstmCell<float> half = _small ? _b32 = new Lstm32x64Bf16() : _b128 = new Lstm128x256Bf16();
        _float = _small ? new Lstm32x64() : new Lstm128x256();
        var fixture = new StepFixture($"bfloat16 Step {Shape}", half, BFloat16StateTolerance, _float);
        (_scalar, _x, _hScalar, _cScalar, _hSimd, _cSimd) = (fixture.Scalar, fixture.X, fixture.HScalar, fixture.CScalar, fixture.HSimd, fixture.CSimd);
        int n = half.InputSize, h = half.HiddenSize;

        // A float buffer of 2H·(I+H) elements has the byte size of 4H·(I+H) bfloat16 weights.
        _halfWeights = Verify.RandomArray(2 * h * (n + h), 4);
    }

    /// <summary>Scalar reference step (float weights).</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step(_x, _hScalar, _cScalar);

    /// <summary>The float cell of the same shape.</summary>
    [Benchmark]
    public void SimdFloat() => _float.Step(_x, _hSimd, _cSimd);

    /// <summary>The bfloat16-weight cell's <c>Step</c>.</summary>
    [Benchmark]
    public void SimdBFloat16()
    {
        if (_small)
        {
            _b32.Step(_x, _hSimd, _cSimd);
        }
        else
        {
            _b128.Step(_x, _hSimd, _cSimd);
        }
    }

    /// <summary>Calibration: read the bfloat16 weight bytes once.</summary>
    /// <returns>The sum, so the read is not optimised away.</returns>
    [Benchmark]
    public float WeightRead() => Calibration.StreamingDot(_halfWeights);
}
