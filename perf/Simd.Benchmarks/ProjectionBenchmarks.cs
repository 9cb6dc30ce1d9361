using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>LSTM cell, 32 inputs, 64 hidden units projected to 16 (PyTorch proj_size).</summary>
[LstmCell(32, 64, ProjectionSize = 16)]
public sealed partial class LstmP32x64p16;

/// <summary>LSTM cell, 128 inputs, 256 hidden units projected to 64 (PyTorch proj_size).</summary>
[LstmCell(128, 256, ProjectionSize = 64)]
public sealed partial class LstmP128x256p64;

/// <summary>
/// One step of one sample of a projected LSTM (<c>ProjectionSize</c> = P): a plain scalar implementation, the generated
/// cell, and, for scale, the generated cell of the same I and H without a projection (whose recurrent weights are
/// H wide instead of P).
/// </summary>
[MemoryDiagnoser]
public class ProjectionStepBenchmarks
{
    private ScalarProjectedLstm _scalar = null!;
    private LstmP32x64p16 _p32 = null!;
    private LstmP128x256p64 _p128 = null!;
    private Lstm32x64 _plain32 = null!;
    private Lstm128x256 _plain128 = null!;
    private bool _small;
    private float[] _x = null!, _hScalar = null!, _cScalar = null!, _hSimd = null!, _cSimd = null!, _hPlain = null!, _cPlain = null!;

    /// <summary>Cell shape, I x H p P.</summary>
    [Params("32x64p16", "128x256p64")]
    public string Shape { get; set; } = "32x64p16";

    /// <summary>Builds the scalar and generated cells with the same seeded parameters and checks they agree over a few steps.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _small = Shape == "32x64p16";
        IProjectedLstmCell<float> cell = _small ? (_p32 = new LstmP32x64p16()) : (_p128 = new LstmP128x256p64());
        ILstmCell<float> plain = _small ? (_plain32 = new Lstm32x64()) : (_plain128 = new Lstm128x256());
        int n = cell.InputSize, h = cell.HiddenSize, p = cell.ProjectionSize;
        _scalar = new ScalarProjectedLstm(n, h, p, seed: 42);
        cell.ImportPyTorch(_scalar.WeightIh, _scalar.WeightHh, _scalar.BiasIh, _scalar.BiasHh, _scalar.WeightHr);
        plain.InitializeParameters(42);

        _x = Verify.RandomArray(n, 1);
        _hScalar = Verify.RandomArray(p, 2);
        _cScalar = Verify.RandomArray(h, 3);
        _hSimd = (float[])_hScalar.Clone();
        _cSimd = (float[])_cScalar.Clone();
        _hPlain = Verify.RandomArray(h, 2);
        _cPlain = Verify.RandomArray(h, 3);
        for (int t = 0; t < 3; t++)
        {
            _scalar.Step(_x, _hScalar, _cScalar);
            cell.Step(_x, _hSimd, _cSimd);
            Verify.Close($"Projected step {Shape} h (step {t + 1})", _hSimd, _hScalar, Verify.StateTolerance);
            Verify.Close($"Projected step {Shape} c (step {t + 1})", _cSimd, _cScalar, Verify.StateTolerance);
        }
    }

    /// <summary>Scalar reference step.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step(_x, _hScalar, _cScalar);

    /// <summary>Generated projected cell's <c>Step</c>.</summary>
    [Benchmark]
    public void Simd()
    {
        if (_small)
        {
            _p32.Step(_x, _hSimd, _cSimd);
        }
        else
        {
            _p128.Step(_x, _hSimd, _cSimd);
        }
    }

    /// <summary>Generated cell of the same I and H without a projection.</summary>
    [Benchmark]
    public void SimdWithoutProjection()
    {
        if (_small)
        {
            _plain32.Step(_x, _hPlain, _cPlain);
        }
        else
        {
            _plain128.Step(_x, _hPlain, _cPlain);
        }
    }

    /// <summary>A plain float LSTM step with PyTorch's projection, loop by loop, in PyTorch's tensor layout.</summary>
    private sealed class ScalarProjectedLstm
    {
        private readonly float[] _z;
        private readonly float[] _r;
        private readonly int _i;
        private readonly int _h;
        private readonly int _p;

        public ScalarProjectedLstm(int inputSize, int hiddenSize, int projectionSize, int seed)
        {
            (_i, _h, _p) = (inputSize, hiddenSize, projectionSize);
            var random = new Random(seed);
            float bound = 1 / MathF.Sqrt(hiddenSize);
            WeightIh = new float[4 * _h * _i];
            WeightHh = new float[4 * _h * _p];
            BiasIh = new float[4 * _h];
            BiasHh = new float[4 * _h];
            WeightHr = new float[_p * _h];
            foreach (var tensor in new[] { WeightIh, WeightHh, BiasIh, BiasHh, WeightHr })
            {
                ScalarLstm.Fill(random, tensor, bound);
            }

            _z = new float[4 * _h];
            _r = new float[_h];
        }

        public float[] WeightIh { get; }

        public float[] WeightHh { get; }

        public float[] BiasIh { get; }

        public float[] BiasHh { get; }

        public float[] WeightHr { get; }

        public void Step(ReadOnlySpan<float> input, Span<float> hidden, Span<float> cell)
        {
            for (int row = 0; row < 4 * _h; row++)
            {
                float sum = BiasIh[row] + BiasHh[row];
                for (int k = 0; k < _i; k++)
                {
                    sum += WeightIh[(row * _i) + k] * input[k];
                }

                for (int k = 0; k < _p; k++)
                {
                    sum += WeightHh[(row * _p) + k] * hidden[k];
                }

                _z[row] = sum;
            }

            for (int j = 0; j < _h; j++)
            {
                float i = Sigmoid(_z[j]);
                float f = Sigmoid(_z[_h + j]);
                float g = MathF.Tanh(_z[(2 * _h) + j]);
                float o = Sigmoid(_z[(3 * _h) + j]);
                float c = (f * cell[j]) + (i * g);
                cell[j] = c;
                _r[j] = o * MathF.Tanh(c);
            }

            for (int q = 0; q < _p; q++)
            {
                float sum = 0;
                for (int j = 0; j < _h; j++)
                {
                    sum += WeightHr[(q * _h) + j] * _r[j];
                }

                hidden[q] = sum;
            }
        }

        private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));
    }
}
