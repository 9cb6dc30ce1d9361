using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>
/// Forward with recording plus backward through time, T = 64 steps × B = 32 samples at (64,128). Counted as 3× the
/// forward FLOPs (forward GEMM, input/state-gradient GEMM, weight-gradient GEMM): 3 · 2·T·B·4H·(I+H) ≈ 1.21 GFLOP.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    /// <summary>Sequence length.</summary>
    public const int Steps = 64;

    /// <summary>Batch size.</summary>
    public const int Batch = 32;

    private const int N = Lstm64x128.InputSize, H = Lstm64x128.HiddenSize, G = 4 * H;

    private readonly ScalarLstm _scalar = new(N, H, Steps, Batch);
    private readonly Lstm64x128 _cell = new();
    private readonly Tape<float> _tape = Lstm64x128.CreateTape(Steps, Batch);
    private readonly float[] _grad = new float[Lstm64x128.ParameterCount];
    private readonly float[] _gWih = new float[G * N], _gWhh = new float[G * H], _gBih = new float[G], _gBhh = new float[G];
    private readonly float[] _h = new float[Batch * H], _c = new float[Batch * H];
    private readonly float[] _outputs = new float[Steps * Batch * H], _dx = new float[Steps * Batch * N];
    private readonly float[] _dh0 = new float[Batch * H], _dc0 = new float[Batch * H];
    private float[] _x = null!, _h0 = null!, _c0 = null!, _dOut = null!, _dhT = null!, _dcT = null!;

    /// <summary>Seeds both implementations identically and checks outputs, final state and every gradient agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scalar.Initialize(21);
        Verify.CopyParameters(_cell, _scalar);
        _x = Verify.RandomArray(Steps * Batch * N, 31);
        _h0 = Verify.RandomArray(Batch * H, 32);
        _c0 = Verify.RandomArray(Batch * H, 33);
        _dOut = Verify.RandomArray(Steps * Batch * H, 34);
        _dhT = Verify.RandomArray(Batch * H, 35);
        _dcT = Verify.RandomArray(Batch * H, 36);

        Scalar();
        float[] outputs = (float[])_outputs.Clone(), hT = (float[])_h.Clone(), cT = (float[])_c.Clone();
        float[] dx = (float[])_dx.Clone(), dh0 = (float[])_dh0.Clone(), dc0 = (float[])_dc0.Clone();

        Array.Clear(_grad);
        Simd();
        Verify.Close("Forward outputs", _outputs, outputs, Verify.StateTolerance);
        Verify.Close("Forward h_T", _h, hT, Verify.StateTolerance);
        Verify.Close("Forward c_T", _c, cT, Verify.StateTolerance);
        Verify.Close("Backward dL/dx", _dx, dx, Verify.StateTolerance);
        Verify.Close("Backward dL/dh_0", _dh0, dh0, Verify.StateTolerance);
        Verify.Close("Backward dL/dc_0", _dc0, dc0, Verify.StateTolerance);

        // Map the generated gradients (SIMD layout) back to PyTorch layout through the public index functions.
        var gWih = new float[G * N];
        var gWhh = new float[G * H];
        var gBih = new float[G];
        var gBhh = new float[G];
        for (int r = 0; r < G; r++)
        {
            for (int k = 0; k < N; k++)
            {
                gWih[(r * N) + k] = _grad[Lstm64x128.WeightIndex(r, k)];
            }
            for (int k = 0; k < H; k++)
            {
                gWhh[(r * H) + k] = _grad[Lstm64x128.WeightIndex(r, N + k)];
            }
            gBih[r] = _grad[Lstm64x128.BiasIhIndex(r)];
            gBhh[r] = _grad[Lstm64x128.BiasHhIndex(r)];
        }
        Verify.CloseScaled("dL/dW_ih", gWih, _gWih, Verify.GradientTolerance);
        Verify.CloseScaled("dL/dW_hh", gWhh, _gWhh, Verify.GradientTolerance);
        Verify.CloseScaled("dL/db_ih", gBih, _gBih, Verify.GradientTolerance);
        Verify.CloseScaled("dL/db_hh", gBhh, _gBhh, Verify.GradientTolerance);
    }

    /// <summary>Scalar forward + backward through time (gradients accumulate across calls, as in training).</summary>
    [Benchmark(Baseline = true)]
    public void Scalar()
    {
        _h0.CopyTo(_h, 0);
        _c0.CopyTo(_c, 0);
        _scalar.ForwardBackward(Steps, Batch, _x, _h, _c, _outputs, _dOut, _dhT, _dcT, _dx, _dh0, _dc0, _gWih, _gWhh, _gBih, _gBhh);
    }

    /// <summary>Generated <c>Forward</c> with a tape, then <c>Backward</c>.</summary>
    [Benchmark]
    public void Simd()
    {
        _h0.CopyTo(_h, 0);
        _c0.CopyTo(_c, 0);
        _cell.Forward(Steps, Batch, _x, _h, _c, _outputs, _tape);
        _cell.Backward(_tape, _dOut, _dhT, _dcT, _dx, _dh0, _dc0, _grad);
    }
}
