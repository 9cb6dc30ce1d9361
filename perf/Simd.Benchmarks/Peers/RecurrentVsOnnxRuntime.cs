using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks.Peers;

// Recurrent cells against ONNX Runtime in the same process and run. ONNX Runtime gets a one-node model (LSTM, GRU or
// RNN) with the cell's weights as constants, one intra-op thread and IO binding (see OnnxRuntimePeer). Its single step
// is a sequence of length 1 with initial_h (and initial_c) inputs; its outputs go to separate buffers, so every call
// repeats the step from the same state, while the Simd and scalar steps update their state in place: the work per
// call is the same.

/// <summary>One LSTM step of one sample (batch 1): scalar reference, Simd cell, ONNX Runtime.</summary>
[MemoryDiagnoser]
public class LstmStepVsOnnxRuntime
{
    private ScalarLstm _scalar = null!;
    private Lstm8x16 _c8 = null!;
    private Lstm32x64 _c32 = null!;
    private Lstm128x256 _c128 = null!;
    private OnnxRuntimePeer _onnxRuntime = null!;
    private TensorPrimitivesLstm _tensorPrimitives = null!;
    private float[] _x = null!, _hScalar = null!, _cScalar = null!, _hSimd = null!, _cSimd = null!, _hTensor = null!, _cTensor = null!;

    /// <summary>Cell shape, I x H.</summary>
    [Params("8x16", "32x64", "128x256")]
    public string Shape { get; set; } = "8x16";

    /// <summary>Gives all three the same parameters, input and state, and checks one step of each agrees.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ILstmCell<float> cell = Shape switch
        {
            "8x16" => _c8 = new Lstm8x16(),
            "32x64" => _c32 = new Lstm32x64(),
            "128x256" => _c128 = new Lstm128x256(),
            _ => throw new ArgumentException($"Unknown shape {Shape}"),
        };
        int n = cell.InputSize, h = cell.HiddenSize;
        _scalar = new ScalarLstm(n, h);
        _scalar.Initialize(42);
        Verify.CopyParameters(cell, _scalar);
        _x = Verify.RandomArray(n, 1);
        float[] h0 = Verify.RandomArray(h, 2), c0 = Verify.RandomArray(h, 3);
        (_hScalar, _cScalar, _hSimd, _cSimd) = ((float[])h0.Clone(), (float[])c0.Clone(), (float[])h0.Clone(), (float[])c0.Clone());
        (_hTensor, _cTensor) = ((float[])h0.Clone(), (float[])c0.Clone());
        _tensorPrimitives = new TensorPrimitivesLstm(_scalar);

        _onnxRuntime = new OnnxRuntimePeer(OnnxModels.Lstm(1, 1, n, h, _scalar, sequenceOutput: false));
        _onnxRuntime.Bind("X", false, _x, 1, 1, n);
        _onnxRuntime.Bind("initial_h", false, (float[])h0.Clone(), 1, 1, h);
        _onnxRuntime.Bind("initial_c", false, (float[])c0.Clone(), 1, 1, h);
        float[] hOnnx = _onnxRuntime.Bind("Y_h", true, new float[h], 1, 1, h);
        float[] cOnnx = _onnxRuntime.Bind("Y_c", true, new float[h], 1, 1, h);

        Scalar();
        cell.Step(_x, _hSimd, _cSimd);
        OnnxRuntime();
        TensorPrimitives();
        string label = $"LSTM step {Shape}";
        PeerVerify.Close($"{label} h", "Simd", _hSimd, "scalar", _hScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} c", "Simd", _cSimd, "scalar", _cScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} h", "ONNX Runtime", hOnnx, "scalar", _hScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} c", "ONNX Runtime", cOnnx, "scalar", _cScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} h", "TensorPrimitives", _hTensor, "scalar", _hScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} c", "TensorPrimitives", _cTensor, "scalar", _cScalar, Verify.StateTolerance);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime.Dispose();

    /// <summary>Scalar reference step.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step(_x, _hScalar, _cScalar);

    /// <summary>Generated cell's <c>Step</c> (direct call on the sealed class).</summary>
    [Benchmark]
    public void Simd()
    {
        if (_c8 is not null)
        {
            _c8.Step(_x, _hSimd, _cSimd);
        }
        else if (_c32 is not null)
        {
            _c32.Step(_x, _hSimd, _cSimd);
        }
        else
        {
            _c128.Step(_x, _hSimd, _cSimd);
        }
    }

    /// <summary>ONNX Runtime: one <c>RunWithBinding</c> of the one-step LSTM model.</summary>
    [Benchmark]
    public void OnnxRuntime() => _onnxRuntime.Run();

    /// <summary>The same step written with TensorPrimitives (<see cref="TensorPrimitivesLstm"/>).</summary>
    [Benchmark]
    public void TensorPrimitives() => _tensorPrimitives.Step(_x, _hTensor, _cTensor);
}

/// <summary>
/// One step of a hidden-state cell (GRU or RNN) of one sample at (32,64): scalar reference, Simd cell, ONNX Runtime.
/// The derived classes only say which cell, reference and ONNX model.
/// </summary>
public abstract class HiddenStateStepVsOnnxRuntime
{
    private OnnxRuntimePeer _onnxRuntime = null!;
    private float[] _x = null!, _hScalar = null!, _hSimd = null!, _hTensor = null!;

    /// <summary>Input and hidden size of the cell under test.</summary>
    protected const int InputSize = 32, HiddenSize = 64;

    /// <summary>Name for the verification messages.</summary>
    protected abstract string Label { get; }

    /// <summary>Gives all three the same parameters, input and state, and checks one step of each agrees.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var model = InitializeAndBuildModel();
        _x = Verify.RandomArray(InputSize, 1);
        float[] h0 = Verify.RandomArray(HiddenSize, 2);
        (_hScalar, _hSimd, _hTensor) = ((float[])h0.Clone(), (float[])h0.Clone(), (float[])h0.Clone());

        _onnxRuntime = new OnnxRuntimePeer(model);
        _onnxRuntime.Bind("X", false, _x, 1, 1, InputSize);
        _onnxRuntime.Bind("initial_h", false, (float[])h0.Clone(), 1, 1, HiddenSize);
        float[] hOnnx = _onnxRuntime.Bind("Y_h", true, new float[HiddenSize], 1, 1, HiddenSize);

        Scalar();
        Simd();
        OnnxRuntime();
        TensorPrimitives();
        PeerVerify.Close($"{Label} h", "Simd", _hSimd, "scalar", _hScalar, Verify.StateTolerance);
        PeerVerify.Close($"{Label} h", "ONNX Runtime", hOnnx, "scalar", _hScalar, Verify.StateTolerance);
        PeerVerify.Close($"{Label} h", "TensorPrimitives", _hTensor, "scalar", _hScalar, Verify.StateTolerance);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime.Dispose();

    /// <summary>Scalar reference step.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => ScalarStep(_x, _hScalar);

    /// <summary>Generated cell's <c>Step</c>.</summary>
    [Benchmark]
    public void Simd() => SimdStep(_x, _hSimd);

    /// <summary>ONNX Runtime: one <c>RunWithBinding</c> of the one-step model.</summary>
    [Benchmark]
    public void OnnxRuntime() => _onnxRuntime.Run();

    /// <summary>The same step written with TensorPrimitives.</summary>
    [Benchmark]
    public void TensorPrimitives() => TensorPrimitivesStep(_x, _hTensor);

    /// <summary>Seeds the reference, imports its weights into the cell, and returns the ONNX model with the same weights.</summary>
    /// <returns>The serialized ONNX model.</returns>
    protected abstract byte[] InitializeAndBuildModel();

    /// <summary>One step of the scalar reference.</summary>
    /// <param name="input">x.</param><param name="hidden">h, updated.</param>
    protected abstract void ScalarStep(float[] input, float[] hidden);

    /// <summary>One step of the generated cell.</summary>
    /// <param name="input">x.</param><param name="hidden">h, updated.</param>
    protected abstract void SimdStep(float[] input, float[] hidden);

    /// <summary>One step of the TensorPrimitives cell (made from the reference's weights in <see cref="InitializeAndBuildModel"/>).</summary>
    /// <param name="input">x.</param><param name="hidden">h, updated.</param>
    protected abstract void TensorPrimitivesStep(float[] input, float[] hidden);
}

/// <summary>One GRU step (reset after; ONNX linear_before_reset = 1) at (32,64): scalar, Simd, ONNX Runtime.</summary>
[MemoryDiagnoser]
public class GruStepVsOnnxRuntime : HiddenStateStepVsOnnxRuntime
{
    private readonly ScalarGru _scalar = new(InputSize, HiddenSize);
    private readonly Gru32x64 _cell = new();
    private TensorPrimitivesGru _tensorPrimitives = null!;

    /// <inheritdoc />
    protected override string Label => "GRU step 32x64";

    /// <inheritdoc />
    protected override byte[] InitializeAndBuildModel()
    {
        _scalar.Initialize(7);
        _cell.ImportPyTorch(_scalar.WeightIh, _scalar.WeightHh, _scalar.BiasIh, _scalar.BiasHh);
        _tensorPrimitives = new TensorPrimitivesGru(_scalar);
        return OnnxModels.Gru(InputSize, HiddenSize, _scalar);
    }

    /// <inheritdoc />
    protected override void ScalarStep(float[] input, float[] hidden) => _scalar.Step(input, hidden);

    /// <inheritdoc />
    protected override void SimdStep(float[] input, float[] hidden) => _cell.Step(input, hidden);

    /// <inheritdoc />
    protected override void TensorPrimitivesStep(float[] input, float[] hidden) => _tensorPrimitives.Step(input, hidden);
}

/// <summary>One vanilla RNN (tanh) step at (32,64): scalar, Simd, ONNX Runtime.</summary>
[MemoryDiagnoser]
public class RnnStepVsOnnxRuntime : HiddenStateStepVsOnnxRuntime
{
    private readonly ScalarRnn _scalar = new(InputSize, HiddenSize);
    private readonly Rnn32x64 _cell = new();
    private TensorPrimitivesRnn _tensorPrimitives = null!;

    /// <inheritdoc />
    protected override string Label => "RNN step 32x64";

    /// <inheritdoc />
    protected override byte[] InitializeAndBuildModel()
    {
        _scalar.Initialize(1);
        _cell.ImportPyTorch(_scalar.WeightIh, _scalar.WeightHh, _scalar.BiasIh, _scalar.BiasHh);
        _tensorPrimitives = new TensorPrimitivesRnn(_scalar);
        return OnnxModels.Rnn(InputSize, HiddenSize, _scalar);
    }

    /// <inheritdoc />
    protected override void ScalarStep(float[] input, float[] hidden) => _scalar.Step(input, hidden);

    /// <inheritdoc />
    protected override void SimdStep(float[] input, float[] hidden) => _cell.Step(input, hidden);

    /// <inheritdoc />
    protected override void TensorPrimitivesStep(float[] input, float[] hidden) => _tensorPrimitives.Step(input, hidden);
}

/// <summary>
/// LSTM sequence forward, T = 64 at (64,128), inference only: the Simd cell's <c>Forward</c> (tape null, writing all
/// outputs [T, B, H] and the final h and c) against one ONNX Runtime run of a T = 64 LSTM model writing Y, Y_h and
/// Y_c. No scalar timing (it would take ~0.2 s a call at batch 32); the scalar reference checks both in setup.
/// </summary>
[MemoryDiagnoser]
public class LstmSequenceVsOnnxRuntime
{
    /// <summary>Sequence length T.</summary>
    public const int Steps = 64;

    private const int InputSize = Lstm64x128.InputSize, HiddenSize = Lstm64x128.HiddenSize;

    private readonly Lstm64x128 _cell = new();
    private OnnxRuntimePeer _onnxRuntime = null!;
    private TensorPrimitivesLstm _tensorPrimitives = null!;
    private float[] _inputs = null!, _hidden = null!, _cellState = null!, _outputs = null!;
    private float[] _hiddenTensor = null!, _cellTensor = null!, _outputsTensor = null!;

    /// <summary>Batch size B.</summary>
    [Params(1, 32)]
    public int Batch { get; set; } = 1;

    /// <summary>Runs the scalar reference over the sequence and checks both the Simd cell's and ONNX Runtime's outputs and final states against it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int b = Batch, n = InputSize, h = HiddenSize;
        var scalar = new ScalarLstm(n, h);
        scalar.Initialize(7);
        Verify.CopyParameters(_cell, scalar);
        _inputs = Verify.RandomArray(Steps * b * n, 11);
        float[] h0 = Verify.RandomArray(b * h, 12), c0 = Verify.RandomArray(b * h, 13);
        (_hidden, _cellState, _outputs) = ((float[])h0.Clone(), (float[])c0.Clone(), new float[Steps * b * h]);
        (_hiddenTensor, _cellTensor, _outputsTensor) = ((float[])h0.Clone(), (float[])c0.Clone(), new float[Steps * b * h]);
        _tensorPrimitives = new TensorPrimitivesLstm(scalar);

        _onnxRuntime = new OnnxRuntimePeer(OnnxModels.Lstm(Steps, b, n, h, scalar, sequenceOutput: true));
        _onnxRuntime.Bind("X", false, _inputs, Steps, b, n);
        _onnxRuntime.Bind("initial_h", false, (float[])h0.Clone(), 1, b, h);
        _onnxRuntime.Bind("initial_c", false, (float[])c0.Clone(), 1, b, h);
        float[] outputsOnnx = _onnxRuntime.Bind("Y", true, new float[Steps * b * h], Steps, 1, b, h);
        float[] hOnnx = _onnxRuntime.Bind("Y_h", true, new float[b * h], 1, b, h);
        float[] cOnnx = _onnxRuntime.Bind("Y_c", true, new float[b * h], 1, b, h);

        float[] hScalar = (float[])h0.Clone(), cScalar = (float[])c0.Clone(), outputsScalar = new float[Steps * b * h];
        for (int t = 0; t < Steps; t++)
        {
            scalar.StepBatch(_inputs.AsSpan(t * b * n, b * n), hScalar, cScalar);
            hScalar.CopyTo(outputsScalar, t * b * h);
        }

        Simd();
        OnnxRuntime();
        TensorPrimitives();
        string label = $"LSTM forward T={Steps} 64x128 B={b}";
        PeerVerify.Close($"{label} outputs", "Simd", _outputs, "scalar", outputsScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} c_T", "Simd", _cellState, "scalar", cScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} outputs", "ONNX Runtime", outputsOnnx, "scalar", outputsScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} h_T", "ONNX Runtime", hOnnx, "scalar", hScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} c_T", "ONNX Runtime", cOnnx, "scalar", cScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} outputs", "TensorPrimitives", _outputsTensor, "scalar", outputsScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} c_T", "TensorPrimitives", _cellTensor, "scalar", cScalar, Verify.StateTolerance);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime.Dispose();

    /// <summary>Generated cell's <c>Forward</c> with no tape (h and c carry over between calls; the work does not change).</summary>
    [Benchmark]
    public void Simd() => _cell.Forward(Steps, Batch, _inputs, _hidden, _cellState, _outputs, null);

    /// <summary>ONNX Runtime: one <c>RunWithBinding</c> of the T = 64 LSTM model.</summary>
    [Benchmark(Baseline = true)]
    public void OnnxRuntime() => _onnxRuntime.Run();

    /// <summary>The same sequence written with TensorPrimitives: <see cref="TensorPrimitivesLstm.Forward"/>, a step per sample.</summary>
    [Benchmark]
    public void TensorPrimitives() => _tensorPrimitives.Forward(Steps, Batch, _inputs, _hiddenTensor, _cellTensor, _outputsTensor);
}

/// <summary>
/// Sequence forward of a hidden-state cell (GRU or RNN), T = 64 at (64,128), inference only: the Simd cell's
/// <c>Forward</c> (tape null, writing all outputs [T, B, H] and the final h), one ONNX Runtime run of a T = 64 model
/// writing Y and Y_h, and the TensorPrimitives cell stepped per sample. The scalar reference checks all three in
/// setup (no scalar timing, as for the LSTM). The derived classes only say which cell, reference and model.
/// </summary>
public abstract class HiddenStateSequenceVsOnnxRuntime
{
    /// <summary>Sequence length T.</summary>
    public const int Steps = 64;

    /// <summary>Input and hidden size of the cell under test.</summary>
    protected const int InputSize = 64, HiddenSize = 128;

    private OnnxRuntimePeer _onnxRuntime = null!;
    private float[] _inputs = null!, _hidden = null!, _outputs = null!, _hiddenTensor = null!, _outputsTensor = null!;

    /// <summary>Batch size B.</summary>
    [Params(1, 32)]
    public int Batch { get; set; } = 1;

    /// <summary>Name for the verification messages.</summary>
    protected abstract string Label { get; }

    /// <summary>Runs the scalar reference over the sequence and checks the other three's outputs and final state against it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int b = Batch;
        byte[] model = InitializeAndBuildModel(b);
        _inputs = Verify.RandomArray(Steps * b * InputSize, 11);
        float[] h0 = Verify.RandomArray(b * HiddenSize, 12);
        (_hidden, _outputs) = ((float[])h0.Clone(), new float[Steps * b * HiddenSize]);
        (_hiddenTensor, _outputsTensor) = ((float[])h0.Clone(), new float[Steps * b * HiddenSize]);

        _onnxRuntime = new OnnxRuntimePeer(model);
        _onnxRuntime.Bind("X", false, _inputs, Steps, b, InputSize);
        _onnxRuntime.Bind("initial_h", false, (float[])h0.Clone(), 1, b, HiddenSize);
        float[] outputsOnnx = _onnxRuntime.Bind("Y", true, new float[Steps * b * HiddenSize], Steps, 1, b, HiddenSize);
        float[] hOnnx = _onnxRuntime.Bind("Y_h", true, new float[b * HiddenSize], 1, b, HiddenSize);

        float[] hScalar = (float[])h0.Clone(), outputsScalar = new float[Steps * b * HiddenSize];
        for (int t = 0; t < Steps; t++)
        {
            for (int s = 0; s < b; s++)
            {
                ScalarStep(_inputs.AsSpan(((t * b) + s) * InputSize, InputSize), hScalar.AsSpan(s * HiddenSize, HiddenSize));
            }

            hScalar.CopyTo(outputsScalar, t * b * HiddenSize);
        }

        Simd();
        OnnxRuntime();
        TensorPrimitives();
        string label = $"{Label} forward T={Steps} 64x128 B={b}";
        PeerVerify.Close($"{label} outputs", "Simd", _outputs, "scalar", outputsScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} h_T", "Simd", _hidden, "scalar", hScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} outputs", "ONNX Runtime", outputsOnnx, "scalar", outputsScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} h_T", "ONNX Runtime", hOnnx, "scalar", hScalar, Verify.StateTolerance);
        PeerVerify.Close($"{label} outputs", "TensorPrimitives", _outputsTensor, "scalar", outputsScalar, Verify.StateTolerance);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime.Dispose();

    /// <summary>Generated cell's <c>Forward</c> with no tape (h carries over between calls; the work does not change).</summary>
    [Benchmark]
    public void Simd() => SimdForward(Steps, Batch, _inputs, _hidden, _outputs);

    /// <summary>ONNX Runtime: one <c>RunWithBinding</c> of the T = 64 model.</summary>
    [Benchmark(Baseline = true)]
    public void OnnxRuntime() => _onnxRuntime.Run();

    /// <summary>The same sequence written with TensorPrimitives: a step per sample and time step.</summary>
    [Benchmark]
    public void TensorPrimitives()
    {
        int b = Batch;
        for (int t = 0; t < Steps; t++)
        {
            for (int s = 0; s < b; s++)
            {
                TensorPrimitivesStep(_inputs.AsSpan(((t * b) + s) * InputSize, InputSize), _hiddenTensor.AsSpan(s * HiddenSize, HiddenSize));
            }

            _hiddenTensor.AsSpan(0, b * HiddenSize).CopyTo(_outputsTensor.AsSpan(t * b * HiddenSize));
        }
    }

    /// <summary>Seeds the reference, imports its weights into the cell and the TensorPrimitives cell, and returns the ONNX model.</summary>
    /// <param name="batch">B.</param>
    /// <returns>The serialized ONNX model.</returns>
    protected abstract byte[] InitializeAndBuildModel(int batch);

    /// <summary>One step of the scalar reference.</summary>
    /// <param name="input">x.</param><param name="hidden">h, updated.</param>
    protected abstract void ScalarStep(ReadOnlySpan<float> input, Span<float> hidden);

    /// <summary>One step of the TensorPrimitives cell.</summary>
    /// <param name="input">x.</param><param name="hidden">h, updated.</param>
    protected abstract void TensorPrimitivesStep(ReadOnlySpan<float> input, Span<float> hidden);

    /// <summary>The generated cell's tapeless sequence forward.</summary>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="inputs">[T, B, I].</param>
    /// <param name="hidden">[B, H], h_0 in, h_T out.</param><param name="outputs">[T, B, H].</param>
    protected abstract void SimdForward(int steps, int batch, float[] inputs, float[] hidden, float[] outputs);
}

/// <summary>GRU sequence forward (reset after; ONNX linear_before_reset = 1), T = 64 at (64,128).</summary>
[MemoryDiagnoser]
public class GruSequenceVsOnnxRuntime : HiddenStateSequenceVsOnnxRuntime
{
    private readonly ScalarGru _scalar = new(InputSize, HiddenSize);
    private readonly Gru64x128 _cell = new();
    private TensorPrimitivesGru _tensorPrimitives = null!;

    /// <inheritdoc />
    protected override string Label => "GRU";

    /// <inheritdoc />
    protected override byte[] InitializeAndBuildModel(int batch)
    {
        _scalar.Initialize(17);
        _cell.ImportPyTorch(_scalar.WeightIh, _scalar.WeightHh, _scalar.BiasIh, _scalar.BiasHh);
        _tensorPrimitives = new TensorPrimitivesGru(_scalar);
        return OnnxModels.Gru(InputSize, HiddenSize, _scalar, Steps, batch, sequenceOutput: true);
    }

    /// <inheritdoc />
    protected override void ScalarStep(ReadOnlySpan<float> input, Span<float> hidden) => _scalar.Step(input, hidden);

    /// <inheritdoc />
    protected override void TensorPrimitivesStep(ReadOnlySpan<float> input, Span<float> hidden) => _tensorPrimitives.Step(input, hidden);

    /// <inheritdoc />
    protected override void SimdForward(int steps, int batch, float[] inputs, float[] hidden, float[] outputs) => _cell.Forward(steps, batch, inputs, hidden, outputs, null);
}

/// <summary>Vanilla RNN (tanh) sequence forward, T = 64 at (64,128).</summary>
[MemoryDiagnoser]
public class RnnSequenceVsOnnxRuntime : HiddenStateSequenceVsOnnxRuntime
{
    private readonly ScalarRnn _scalar = new(InputSize, HiddenSize);
    private readonly Rnn64x128 _cell = new();
    private TensorPrimitivesRnn _tensorPrimitives = null!;

    /// <inheritdoc />
    protected override string Label => "RNN";

    /// <inheritdoc />
    protected override byte[] InitializeAndBuildModel(int batch)
    {
        _scalar.Initialize(19);
        _cell.ImportPyTorch(_scalar.WeightIh, _scalar.WeightHh, _scalar.BiasIh, _scalar.BiasHh);
        _tensorPrimitives = new TensorPrimitivesRnn(_scalar);
        return OnnxModels.Rnn(InputSize, HiddenSize, _scalar, Steps, batch, sequenceOutput: true);
    }

    /// <inheritdoc />
    protected override void ScalarStep(ReadOnlySpan<float> input, Span<float> hidden) => _scalar.Step(input, hidden);

    /// <inheritdoc />
    protected override void TensorPrimitivesStep(ReadOnlySpan<float> input, Span<float> hidden) => _tensorPrimitives.Step(input, hidden);

    /// <inheritdoc />
    protected override void SimdForward(int steps, int batch, float[] inputs, float[] hidden, float[] outputs) => _cell.Forward(steps, batch, inputs, hidden, outputs, null);
}
