using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>The operations <see cref="DeterminismBenchmarks"/> times, each with a fast and a deterministic cell.</summary>
public enum DeterminismCase
{
    /// <summary>LSTM <c>Step</c>, batch 1, (32,64).</summary>
    LstmStep32x64,

    /// <summary>LSTM <c>Step</c>, batch 1, (128,256).</summary>
    LstmStep128x256,

    /// <summary>LSTM <c>Forward</c> with a tape, then <c>Backward</c>: T = 64, B = 32, (64,128), as in <see cref="TrainingBenchmarks"/>.</summary>
    LstmTraining64x128,

    /// <summary>GRU (reset after) <c>Step</c>, batch 1, (32,64).</summary>
    GruStep32x64,

    /// <summary>Tanh RNN <c>Step</c>, batch 1, (32,64).</summary>
    RnnStep32x64,

    /// <summary>Additive-attention decode <c>Step</c> (query 64, keys 64, attention 64) over T = 128 prepared keys.</summary>
    AdditiveDecode,

    /// <summary>Multi-head (model 64, 4 heads) <c>Truncate(127)</c> + <c>DecodeStep</c>, attending over T = 128 cached tokens.</summary>
    MultiHeadDecode,

    /// <summary>Dense 64 → 64 with tanh, <c>Forward</c> of a batch of 32.</summary>
    DenseTanh64x64,
}

/// <summary>
/// The cost of <c>Deterministic = true</c>: each case times the fast cell (baseline) and its deterministic twin
/// (<c>DeterministicCells.cs</c>) on the same parameters and inputs, with the setups of <see cref="StepBenchmarks"/>,
/// <see cref="TrainingBenchmarks"/>, <see cref="GruStepBenchmarks"/>, <see cref="RnnStepBenchmarks"/> and
/// <c>AttentionBenchmarks.cs</c>.
/// </summary>
/// <remarks>
/// The two are not bit-identical (the fast cell fuses and orders its sums per vector path), so the setup checks they
/// agree to the tolerances of the scalar checks: states, outputs and input/state gradients max |a − b| ≤
/// <see cref="Verify.StateTolerance"/>; parameter gradients ≤ <see cref="Verify.GradientTolerance"/> × max(1, max |fast|);
/// attention outputs and weights ≤ <see cref="AttentionVerify.RelativeTolerance"/> × max |fast|. The fast cells
/// themselves are checked against the scalar references in the other classes.
/// </remarks>
[MemoryDiagnoser]
public class DeterminismBenchmarks
{
    /// <summary>Sequence length of the training case.</summary>
    public const int Steps = 64;

    /// <summary>Batch of the training and dense cases.</summary>
    public const int Batch = 32;

    /// <summary>Keys (additive) and cached tokens (multi-head) attended over by a decode step, T.</summary>
    public const int Tokens = 128;

    private const string Difference = "deterministic − fast";

    private Lstm32x64 _lstm32 = null!;
    private DeterministicLstm32x64 _lstm32Deterministic = null!;
    private Lstm128x256 _lstm128 = null!;
    private DeterministicLstm128x256 _lstm128Deterministic = null!;
    private Gru32x64 _gru = null!;
    private DeterministicGru32x64 _gruDeterministic = null!;
    private Rnn32x64 _rnn = null!;
    private DeterministicRnn32x64 _rnnDeterministic = null!;
    private float[] _x = null!, _hFast = null!, _cFast = null!, _hDeterministic = null!, _cDeterministic = null!;

    private Lstm64x128 _lstm64 = null!;
    private DeterministicLstm64x128 _lstm64Deterministic = null!;
    private SequenceBuffers _sequenceFast = null!, _sequenceDeterministic = null!;
    private float[] _inputs = null!, _h0 = null!, _c0 = null!, _outputGradients = null!, _dhT = null!, _dcT = null!;

    private Additive64x64x64 _additive = null!;
    private DeterministicAdditive64x64x64 _additiveDeterministic = null!;
    private AttentionWorkspace<float> _workspaceFast = null!, _workspaceDeterministic = null!;
    private float[] _query = null!, _contextFast = null!, _contextDeterministic = null!, _weightsFast = null!, _weightsDeterministic = null!;

    private MultiHead64x4 _multiHead = null!;
    private DeterministicMultiHead64x4 _multiHeadDeterministic = null!;
    private KeyValueCache<float> _cacheFast = null!, _cacheDeterministic = null!;
    private float[] _lastToken = null!, _decodedFast = null!, _decodedDeterministic = null!;

    private Dense64x64Tanh _dense = null!;
    private DeterministicDense64x64Tanh _denseDeterministic = null!;
    private float[] _denseInputs = null!, _denseOutputsFast = null!, _denseOutputsDeterministic = null!;

    /// <summary>The operation timed.</summary>
    [ParamsAllValues]
    public DeterminismCase Case { get; set; }

    /// <summary>Builds the case's two cells with the same seeded parameters and inputs and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        switch (Case)
        {
            case DeterminismCase.LstmStep32x64:
                SetUpLstmStep(_lstm32 = new Lstm32x64(), _lstm32Deterministic = new DeterministicLstm32x64());
                break;
            case DeterminismCase.LstmStep128x256:
                SetUpLstmStep(_lstm128 = new Lstm128x256(), _lstm128Deterministic = new DeterministicLstm128x256());
                break;
            case DeterminismCase.LstmTraining64x128:
                SetUpTraining();
                break;
            case DeterminismCase.GruStep32x64:
                var gruReference = new ScalarGru(Gru32x64.InputSize, Gru32x64.HiddenSize);
                gruReference.Initialize(7);
                SetUpHiddenStateStep(_gru = new Gru32x64(), _gruDeterministic = new DeterministicGru32x64(),
                    gruReference.WeightIh, gruReference.WeightHh, gruReference.BiasIh, gruReference.BiasHh);
                break;
            case DeterminismCase.RnnStep32x64:
                var rnnReference = new ScalarRnn(Rnn32x64.InputSize, Rnn32x64.HiddenSize);
                rnnReference.Initialize(1);
                SetUpHiddenStateStep(_rnn = new Rnn32x64(), _rnnDeterministic = new DeterministicRnn32x64(),
                    rnnReference.WeightIh, rnnReference.WeightHh, rnnReference.BiasIh, rnnReference.BiasHh);
                break;
            case DeterminismCase.AdditiveDecode:
                SetUpAdditive();
                break;
            case DeterminismCase.MultiHeadDecode:
                SetUpMultiHead();
                break;
            case DeterminismCase.DenseTanh64x64:
                SetUpDense();
                break;
            default:
                throw new ArgumentException($"Unknown case {Case}");
        }
    }

    /// <summary>The fast (default) cell.</summary>
    [Benchmark(Baseline = true)]
    public void Fast()
    {
        switch (Case)
        {
            case DeterminismCase.LstmStep32x64: _lstm32.Step(_x, _hFast, _cFast); break;
            case DeterminismCase.LstmStep128x256: _lstm128.Step(_x, _hFast, _cFast); break;
            case DeterminismCase.LstmTraining64x128:
                _h0.CopyTo(_sequenceFast.Hidden, 0);
                _c0.CopyTo(_sequenceFast.Cell, 0);
                _lstm64.Forward(Steps, Batch, _inputs, _sequenceFast.Hidden, _sequenceFast.Cell, _sequenceFast.Outputs, _sequenceFast.Tape);
                _lstm64.Backward(_sequenceFast.Tape, _outputGradients, _dhT, _dcT, _sequenceFast.InputGradients,
                    _sequenceFast.InitialHiddenGradient, _sequenceFast.InitialCellGradient, _sequenceFast.ParameterGradients);
                break;
            case DeterminismCase.GruStep32x64: _gru.Step(_x, _hFast); break;
            case DeterminismCase.RnnStep32x64: _rnn.Step(_x, _hFast); break;
            case DeterminismCase.AdditiveDecode: _additive.Step(_query, _workspaceFast, _contextFast, _weightsFast); break;
            case DeterminismCase.MultiHeadDecode:
                _cacheFast.Truncate(Tokens - 1);
                _multiHead.DecodeStep(1, _lastToken, _cacheFast, _decodedFast, Span<float>.Empty);
                break;
            default: _dense.Forward(Batch, _denseInputs, _denseOutputsFast); break;
        }
    }

    /// <summary>The deterministic twin, on the same inputs.</summary>
    [Benchmark]
    public void Deterministic()
    {
        switch (Case)
        {
            case DeterminismCase.LstmStep32x64: _lstm32Deterministic.Step(_x, _hDeterministic, _cDeterministic); break;
            case DeterminismCase.LstmStep128x256: _lstm128Deterministic.Step(_x, _hDeterministic, _cDeterministic); break;
            case DeterminismCase.LstmTraining64x128:
                _h0.CopyTo(_sequenceDeterministic.Hidden, 0);
                _c0.CopyTo(_sequenceDeterministic.Cell, 0);
                _lstm64Deterministic.Forward(Steps, Batch, _inputs, _sequenceDeterministic.Hidden, _sequenceDeterministic.Cell,
                    _sequenceDeterministic.Outputs, _sequenceDeterministic.Tape);
                _lstm64Deterministic.Backward(_sequenceDeterministic.Tape, _outputGradients, _dhT, _dcT, _sequenceDeterministic.InputGradients,
                    _sequenceDeterministic.InitialHiddenGradient, _sequenceDeterministic.InitialCellGradient, _sequenceDeterministic.ParameterGradients);
                break;
            case DeterminismCase.GruStep32x64: _gruDeterministic.Step(_x, _hDeterministic); break;
            case DeterminismCase.RnnStep32x64: _rnnDeterministic.Step(_x, _hDeterministic); break;
            case DeterminismCase.AdditiveDecode: _additiveDeterministic.Step(_query, _workspaceDeterministic, _contextDeterministic, _weightsDeterministic); break;
            case DeterminismCase.MultiHeadDecode:
                _cacheDeterministic.Truncate(Tokens - 1);
                _multiHeadDeterministic.DecodeStep(1, _lastToken, _cacheDeterministic, _decodedDeterministic, Span<float>.Empty);
                break;
            default: _denseDeterministic.Forward(Batch, _denseInputs, _denseOutputsDeterministic); break;
        }
    }

    private void SetUpLstmStep(ILstmCell<float> fast, ILstmCell<float> deterministic)
    {
        int n = fast.InputSize, h = fast.HiddenSize;
        var reference = new ScalarLstm(n, h);
        reference.Initialize(42);
        Verify.CopyParameters(fast, reference);
        Verify.CopyParameters(deterministic, reference);
        _x = Verify.RandomArray(n, 1);
        _hFast = Verify.RandomArray(h, 2);
        _cFast = Verify.RandomArray(h, 3);
        _hDeterministic = (float[])_hFast.Clone();
        _cDeterministic = (float[])_cFast.Clone();
        for (int step = 1; step <= 3; step++)
        {
            Fast();
            Deterministic();
            Verify.Close($"Determinism {Case} h (step {step})", _hDeterministic, _hFast, Verify.StateTolerance, Difference);
            Verify.Close($"Determinism {Case} c (step {step})", _cDeterministic, _cFast, Verify.StateTolerance, Difference);
        }
    }

    private void SetUpHiddenStateStep(IHiddenStateCell<float> fast, IHiddenStateCell<float> deterministic,
        float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh)
    {
        fast.ImportPyTorch(weightIh, weightHh, biasIh, biasHh);
        deterministic.ImportPyTorch(weightIh, weightHh, biasIh, biasHh);
        _x = Verify.RandomArray(fast.InputSize, 2);
        _hFast = Verify.RandomArray(fast.HiddenSize, 3);
        _hDeterministic = (float[])_hFast.Clone();
        for (int step = 1; step <= 5; step++)
        {
            Fast();
            Deterministic();
            Verify.Close($"Determinism {Case} h (step {step})", _hDeterministic, _hFast, Verify.StateTolerance, Difference);
        }
    }

    private void SetUpTraining()
    {
        _lstm64 = new Lstm64x128();
        _lstm64Deterministic = new DeterministicLstm64x128();
        var reference = new ScalarLstm(Lstm64x128.InputSize, Lstm64x128.HiddenSize);
        reference.Initialize(21);
        Verify.CopyParameters(_lstm64, reference);
        Verify.CopyParameters(_lstm64Deterministic, reference);
        _sequenceFast = new SequenceBuffers(_lstm64);
        _sequenceDeterministic = new SequenceBuffers(_lstm64Deterministic);

        int n = Lstm64x128.InputSize, h = Lstm64x128.HiddenSize;
        _inputs = Verify.RandomArray(Steps * Batch * n, 31);
        _h0 = Verify.RandomArray(Batch * h, 32);
        _c0 = Verify.RandomArray(Batch * h, 33);
        _outputGradients = Verify.RandomArray(Steps * Batch * h, 34);
        _dhT = Verify.RandomArray(Batch * h, 35);
        _dcT = Verify.RandomArray(Batch * h, 36);

        Fast();
        Deterministic();
        string label = $"Determinism {Case}";
        var (fast, deterministic) = (_sequenceFast, _sequenceDeterministic);
        Verify.Close($"{label} outputs", deterministic.Outputs, fast.Outputs, Verify.StateTolerance, Difference);
        Verify.Close($"{label} h_T", deterministic.Hidden, fast.Hidden, Verify.StateTolerance, Difference);
        Verify.Close($"{label} c_T", deterministic.Cell, fast.Cell, Verify.StateTolerance, Difference);
        Verify.Close($"{label} dL/dx", deterministic.InputGradients, fast.InputGradients, Verify.StateTolerance, Difference);
        Verify.Close($"{label} dL/dh_0", deterministic.InitialHiddenGradient, fast.InitialHiddenGradient, Verify.StateTolerance, Difference);
        Verify.Close($"{label} dL/dc_0", deterministic.InitialCellGradient, fast.InitialCellGradient, Verify.StateTolerance, Difference);
        // The two cells may store their parameters in different layouts: compare in PyTorch order.
        Verify.CloseScaled($"{label} parameter gradients", PyTorchOrder(_lstm64Deterministic, deterministic.ParameterGradients),
            PyTorchOrder(_lstm64, fast.ParameterGradients), Verify.GradientTolerance, Difference);
    }

    private void SetUpAdditive()
    {
        _additive = new Additive64x64x64();
        _additiveDeterministic = new DeterministicAdditive64x64x64();
        var reference = new ScalarAdditiveAttention(64, 64, 64, 64, Tokens);
        reference.Initialize(51);
        float[] keys = Verify.RandomArray(Tokens * 64, 52);
        foreach (IAttentionCell<float> cell in new IAttentionCell<float>[] { _additive, _additiveDeterministic })
        {
            cell.ImportParameter("query_weight", reference.QueryWeight);
            cell.ImportParameter("key_weight", reference.KeyWeight);
            cell.ImportParameter("bias", reference.Bias);
            cell.ImportParameter("score_weight", reference.ScoreWeight);
        }

        _workspaceFast = _additive.CreateWorkspace(Tokens, 1);
        _workspaceDeterministic = _additiveDeterministic.CreateWorkspace(Tokens, 1);
        _additive.Prepare(Tokens, 1, keys, keys, ReadOnlySpan<int>.Empty, _workspaceFast);
        _additiveDeterministic.Prepare(Tokens, 1, keys, keys, ReadOnlySpan<int>.Empty, _workspaceDeterministic);
        (_contextFast, _contextDeterministic) = (new float[64], new float[64]);
        (_weightsFast, _weightsDeterministic) = (new float[Tokens], new float[Tokens]);
        for (int step = 1; step <= 3; step++)
        {
            _query = Verify.RandomArray(64, 52 + step);
            Fast();
            Deterministic();
            AttentionVerify.CloseRelative($"Determinism {Case} context (query {step})", _contextDeterministic, _contextFast, Difference);
            AttentionVerify.CloseRelative($"Determinism {Case} weights (query {step})", _weightsDeterministic, _weightsFast, Difference);
        }
    }

    private void SetUpMultiHead()
    {
        const int ModelSize = 64;
        _multiHead = new MultiHead64x4();
        _multiHeadDeterministic = new DeterministicMultiHead64x4();
        var reference = new ScalarMultiHeadAttention(ModelSize, 4, Tokens);
        reference.Initialize(61);
        AttentionVerify.Import(_multiHead, reference);
        AttentionVerify.Import(_multiHeadDeterministic, reference);
        _cacheFast = _multiHead.CreateCache(Tokens, 1);
        _cacheDeterministic = _multiHeadDeterministic.CreateCache(Tokens, 1);

        // Decode the same 128 tokens with both, so the caches (and every step on the way) are compared too.
        float[] tokens = Verify.RandomArray(Tokens * ModelSize, 62);
        var outputsFast = new float[Tokens * ModelSize];
        var outputsDeterministic = new float[Tokens * ModelSize];
        for (int t = 0; t < Tokens; t++)
        {
            ReadOnlySpan<float> token = tokens.AsSpan(t * ModelSize, ModelSize);
            _multiHead.DecodeStep(1, token, _cacheFast, outputsFast.AsSpan(t * ModelSize, ModelSize), Span<float>.Empty);
            _multiHeadDeterministic.DecodeStep(1, token, _cacheDeterministic, outputsDeterministic.AsSpan(t * ModelSize, ModelSize), Span<float>.Empty);
        }

        AttentionVerify.CloseRelative($"Determinism {Case} outputs of steps 1..{Tokens}", outputsDeterministic, outputsFast, Difference);
        _lastToken = tokens.AsSpan((Tokens - 1) * ModelSize, ModelSize).ToArray();
        (_decodedFast, _decodedDeterministic) = (new float[ModelSize], new float[ModelSize]);
        Fast();
        Deterministic();
        AttentionVerify.CloseRelative($"Determinism {Case} step {Tokens} after Truncate({Tokens - 1})", _decodedDeterministic, _decodedFast, Difference);
    }

    private void SetUpDense()
    {
        _dense = new Dense64x64Tanh();
        _denseDeterministic = new DeterministicDense64x64Tanh();
        _dense.InitializeParameters(17); // nn.Linear's U(−1/8, 1/8): pre-activations of order 1, so tanh is not saturated
        foreach (string name in _dense.PyTorchParameterNames)
        {
            var tensor = new float[name == "weight" ? 64 * 64 : 64];
            _dense.ExportPyTorch(name, tensor);
            _denseDeterministic.ImportPyTorch(name, tensor);
        }

        _denseInputs = Verify.RandomArray(Batch * 64, 81);
        (_denseOutputsFast, _denseOutputsDeterministic) = (new float[Batch * 64], new float[Batch * 64]);
        Fast();
        Deterministic();
        Verify.Close($"Determinism {Case} outputs", _denseOutputsDeterministic, _denseOutputsFast, Verify.StateTolerance, Difference);
    }

    /// <summary>Parameter gradients of an LSTM as [weight_ih | weight_hh] rows, then bias_ih, then bias_hh.</summary>
    private static float[] PyTorchOrder(IRecurrentCell<float> cell, float[] gradients)
    {
        int rows = 4 * cell.HiddenSize, columns = cell.InputSize + cell.HiddenSize;
        var ordered = new float[rows * (columns + 2)];
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < columns; k++)
            {
                ordered[(r * columns) + k] = gradients[cell.WeightIndex(r, k)];
            }

            ordered[(rows * columns) + r] = gradients[cell.BiasIhIndex(r)];
            ordered[(rows * (columns + 1)) + r] = gradients[cell.BiasHhIndex(r)];
        }

        return ordered;
    }

    /// <summary>One cell's tape, state, outputs and gradients for the training case (parameter gradients accumulate across calls, as in training).</summary>
    private sealed class SequenceBuffers(ILstmCell<float> cell)
    {
        public Tape<float> Tape { get; } = cell.CreateTape(Steps, Batch);

        public float[] Hidden { get; } = new float[Batch * cell.HiddenSize];

        public float[] Cell { get; } = new float[Batch * cell.HiddenSize];

        public float[] Outputs { get; } = new float[Steps * Batch * cell.HiddenSize];

        public float[] InputGradients { get; } = new float[Steps * Batch * cell.InputSize];

        public float[] InitialHiddenGradient { get; } = new float[Batch * cell.HiddenSize];

        public float[] InitialCellGradient { get; } = new float[Batch * cell.HiddenSize];

        public float[] ParameterGradients { get; } = new float[cell.ParameterCount];
    }
}
