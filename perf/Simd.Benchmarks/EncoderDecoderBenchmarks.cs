using System;
using BenchmarkDotNet.Attributes;
using Simd.Models;
using Simd.Training;

namespace Simd.Benchmarks;

/// <summary>
/// Training throughput of the attention encoder–decoder: one whole training step (teacher-forced forward, softmax
/// cross-entropy, backward, global-norm clipping, Adam) over B = 16 sequence pairs of S = T = 16 tokens, vocabulary 32,
/// embeddings 32, bidirectional encoder 2 × 64, decoder 128, additive attention 64. <c>OperationsPerInvoke</c> is the
/// B·T target tokens of a step, so the reported mean is nanoseconds per target token (tokens/s = 1e9 ÷ mean). The
/// baseline is the same model and step written as plain scalar loops (<see cref="ScalarEncoderDecoder"/>), given the
/// same initial weights and batch; setup checks that both give the same loss before and after one update.
/// </summary>
[MemoryDiagnoser]
public class EncoderDecoderBenchmarks
{
    /// <summary>Sequence length (source and target).</summary>
    public const int Length = 16;

    /// <summary>Sequence pairs per step.</summary>
    public const int Batch = 16;

    private const int Tokens = Length * Batch;

    private const int Vocabulary = 32, EmbeddingSize = 32, EncoderHidden = 64, AttentionSize = 64;
    private const float LearningRate = 1e-3f, MaxNorm = 1f;

    private readonly BenchSourceTokens _sourceTokens = new();
    private readonly BenchTargetTokens _targetTokens = new();
    private readonly BenchEncoder _encoder = new();
    private readonly BenchDecoder _decoder = new();
    private readonly BenchAttention _attention = new();
    private readonly BenchHead _head = new();
    private readonly ScalarEncoderDecoder _scalar = new(Vocabulary, EmbeddingSize, EncoderHidden, AttentionSize, Length, Batch);
    private EncoderDecoder<float> _model = null!;
    private readonly int[] _sources = new int[Tokens], _targetInputs = new int[Tokens], _targets = new int[Tokens];
    private ParameterSet<float> _parameters = null!;
    private Adam<float> _adam = null!;

    /// <summary>
    /// Seeds the model and a batch of reversal pairs, copies the weights into the scalar model, and checks that both
    /// give the same loss, then the same loss again after one clipped Adam update each.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new EncoderDecoder<float>(_sourceTokens, _encoder, _targetTokens, _decoder, _attention, _head, Length, Length, Batch);
        _model.InitializeParameters(3);
        CopyWeightsToScalar();
        _parameters = _model.AddTo(new ParameterSet<float>());
        _adam = new Adam<float>(_parameters, LearningRate);
        var random = new Random(5);
        for (var b = 0; b < Batch; b++)
        {
            for (var t = 0; t < Length; t++)
            {
                _sources[(b * Length) + t] = 1 + random.Next(31);
            }

            for (var t = 0; t < Length; t++)
            {
                _targets[(b * Length) + t] = _sources[(b * Length) + Length - 1 - t];
                _targetInputs[(b * Length) + t] = t == 0 ? 0 : _targets[(b * Length) + t - 1];
            }
        }

        // Float sums in different orders: the losses (≈ ln 32) agree to float rounding times the depth of the model.
        float first = SimdTrainingStep(), firstScalar = ScalarTrainingStep();
        Verify.CloseScaled("Encoder-decoder loss before the update", [first], [firstScalar], 1e-4f);
        float second = SimdTrainingStep(), secondScalar = ScalarTrainingStep();
        Verify.CloseScaled("Encoder-decoder loss after one update", [second], [secondScalar], 1e-4f);
    }

    /// <summary>The same training step of the scalar model (forward, loss, backward, clipping, Adam).</summary>
    /// <returns>The loss, so the work cannot be elided.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Tokens)]
    public float ScalarTrainingStep()
    {
        float loss = _scalar.ForwardBackward(Length, Batch, _sources, _targetInputs, _targets);
        _scalar.ClipAndAdam(MaxNorm, LearningRate);
        return loss;
    }

    private void CopyWeightsToScalar()
    {
        float[][] p = _scalar.Parameters;
        _sourceTokens.ExportPyTorch("weight", p[0]);
        _targetTokens.ExportPyTorch("weight", p[1]);
        for (int direction = 0; direction < 2; direction++)
        {
            string suffix = direction == 0 ? string.Empty : "_reverse";
            int at = 2 + (3 * direction);
            _encoder.ExportPyTorch("weight_ih_l0" + suffix, p[at]);
            _encoder.ExportPyTorch("weight_hh_l0" + suffix, p[at + 1]);
            int gates = 4 * EncoderHidden;
            _encoder.ExportPyTorch("bias_ih_l0" + suffix, p[at + 2].AsSpan(0, gates));
            _encoder.ExportPyTorch("bias_hh_l0" + suffix, p[at + 2].AsSpan(gates, gates));
        }

        int decoderGates = 4 * BenchDecoder.HiddenSize;
        _decoder.ExportPyTorch(p[8], p[9], p[10].AsSpan(0, decoderGates), p[10].AsSpan(decoderGates, decoderGates));
        _attention.ExportParameter("query_weight", p[11]);
        _attention.ExportParameter("key_weight", p[12]);
        _attention.ExportParameter("bias", p[13]);
        _attention.ExportParameter("score_weight", p[14]);
        _head.ExportPyTorch("weight", p[15]);
        _head.ExportPyTorch("bias", p[16]);
    }

    /// <summary>One training step of the Simd model; the mean is per target token.</summary>
    /// <returns>The loss, so the work cannot be elided.</returns>
    [Benchmark(OperationsPerInvoke = Tokens)]
    public float SimdTrainingStep()
    {
        _parameters.ZeroGradients();
        float loss = _model.Forward(Length, Length, Batch, _sources, _targetInputs, _targets);
        _model.Backward(_parameters);
        _parameters.ClipGradientsByGlobalNorm(MaxNorm);
        _adam.Step();
        return loss;
    }
}

/// <summary>Source embedding of the encoder–decoder benchmark.</summary>
[Embedding(32, 32)]
public sealed partial class BenchSourceTokens;

/// <summary>Target embedding of the encoder–decoder benchmark.</summary>
[Embedding(32, 32)]
public sealed partial class BenchTargetTokens;

/// <summary>Bidirectional encoder, 2 × 64.</summary>
[LstmCell(32, 64, Bidirectional = true)]
public sealed partial class BenchEncoder;

/// <summary>Decoder: target embedding plus the fed-back context in, 128 units.</summary>
[LstmCell(32 + 128, 128)]
public sealed partial class BenchDecoder;

/// <summary>Additive attention from the decoder state over the encoder outputs.</summary>
[AdditiveAttention(128, 128, 64)]
public sealed partial class BenchAttention;

/// <summary>Output layer over [h; context].</summary>
[Dense(128 + 128, 32)]
public sealed partial class BenchHead;
