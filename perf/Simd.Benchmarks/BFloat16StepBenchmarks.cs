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
    // bfloat16 keeps 8 significant bits (relative rounding ≤ 2⁻⁸ per weight); over a few steps the state differs
    // from the float reference by about 1e-3, so agreement is checked at 2e-2.
    private const float BFloat16StateTolerance = 2e-2f;

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
        int n = half.InputSize, h = half.HiddenSize;
        _scalar = new ScalarLstm(n, h);
        _scalar.Initialize(42);
        Verify.CopyParameters(half, _scalar);
        Verify.CopyParameters(_float, _scalar);
        _x = Verify.RandomArray(n, 1);
        _hScalar = Verify.RandomArray(h, 2);
        _cScalar = Verify.RandomArray(h, 3);
        _hSimd = (float[])_hScalar.Clone();
        _cSimd = (float[])_cScalar.Clone();
        for (int t = 0; t < 3; t++)
        {
            _scalar.Step(_x, _hScalar, _cScalar);
            half.Step(_x, _hSimd, _cSimd);
            Verify.Close($"bfloat16 Step {Shape} h (step {t + 1})", _hSimd, _hScalar, BFloat16StateTolerance);
        }

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
