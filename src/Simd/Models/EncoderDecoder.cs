using System;
using System.Collections.Generic;
using System.Numerics;
using Simd.Training;

namespace Simd.Models;

/// <summary>
/// A sequence-to-sequence model assembled from generated modules: a (usually bidirectional) LSTM encoder, an LSTM
/// decoder started from the encoder's final state, optionally an additive (Bahdanau) attention over the encoder's
/// outputs with input feeding, and a dense output layer. Trains with teacher forcing and decodes greedily.
/// </summary>
/// <remarks>
/// <para>One decoder step t (y_{-1} is the start token given as the first target input):
/// <c>x_t = [embed(y_{t−1}); ctx_{t−1}]</c> (ctx_{−1} = 0; without attention <c>x_t = embed(y_{t−1})</c>),
/// <c>(h_t, c_t) = LSTM(x_t, h_{t−1}, c_{t−1})</c>, <c>ctx_t = attention(query h_t, memory = encoder outputs)</c>,
/// <c>logits_t = output([h_t; ctx_t])</c> (without attention <c>output(h_t)</c>). Feeding ctx_t into the next step's
/// input is "input feeding": the decoder knows where it attended before.</para>
/// <para>The decoder's initial (h, c) is the encoder's last layer's final (h, c), directions concatenated forward first,
/// so the decoder's HiddenSize must equal the encoder's Directions × HiddenSize.</para>
/// <para>Token tensors are batch-major ([batch, length], row-major). All sequences of one call share one source length
/// and one target length: the bidirectional encoder has no padding mask, so group samples by source length; pad
/// targets with the loss's ignore index.</para>
/// <para>Every buffer, tape and workspace is allocated by the constructor for the given maxima; <see cref="Forward"/>,
/// <see cref="Backward"/> and <see cref="Decode"/> allocate nothing. An instance is for one thread at a time.</para>
/// </remarks>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class EncoderDecoder<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IEmbeddingLayer<T> _sourceEmbedding;
    private readonly ILstmNetwork<T> _encoder;
    private readonly IEmbeddingLayer<T> _targetEmbedding;
    private readonly ILstmCell<T> _decoder;
    private readonly ISingleHeadAttention<T>? _attention;
    private readonly IDenseLayer<T> _output;

    // Sizes: source embedding, encoder state per direction, encoder output, target embedding, decoder input,
    // decoder hidden, context (0 without attention), output-layer input, classes.
    private readonly int _sourceDimension, _encoderHidden, _encoderOutput, _encoderStates, _targetDimension;
    private readonly int _decoderInput, _decoderHidden, _contextSize, _headInput, _classes;

    private readonly Tape<T> _encoderTape;
    private readonly Tape<T>[] _decoderTapes;
    private readonly AttentionWorkspace<T>? _workspace;

    private readonly int[] _sourceTokens, _targetInputTokens, _targetOutputTokens, _stepTokens;
    private readonly T[] _sourceEmbedded, _sourceEmbeddedGradient;
    private readonly T[] _encoderHiddenState, _encoderCellState, _encoderFinalHiddenGradient, _encoderFinalCellGradient;
    private readonly T[] _encoderInitialHiddenGradient, _encoderInitialCellGradient;
    private readonly T[] _encoderOutputs, _encoderOutputGradients, _memory, _keyGradients, _valueGradients;
    private readonly T[] _targetEmbedded, _targetEmbeddedGradient;
    private readonly T[] _decoderInputs, _decoderInputGradient, _decoderStates, _hidden, _cell;
    private readonly T[] _contexts, _attentionWeights, _headInputs, _headInputGradients, _logits, _logitGradients;
    private readonly T[] _hiddenGradient, _cellGradient, _previousHiddenGradient, _previousCellGradient;
    private readonly T[] _stepOutputGradient, _queryGradient, _contextGradient, _fedContextGradient;

    private int _sourceLength, _targetLength, _batch;
    private bool _recorded;

    /// <summary>Assembles the model and allocates everything its passes need for the given maxima.</summary>
    /// <param name="sourceEmbedding">Embeds source tokens; its Dimension is the encoder's InputSize.</param>
    /// <param name="encoder">The encoder (for example <c>[LstmCell(E, H, Bidirectional = true)]</c>); no projection.</param>
    /// <param name="targetEmbedding">Embeds target tokens (the previous output token fed to the decoder).</param>
    /// <param name="decoder">The decoder cell: InputSize = target Dimension (+ the attention's ValueSize),
    /// HiddenSize = encoder Directions × HiddenSize; no projection.</param>
    /// <param name="attention">Additive attention with QuerySize = decoder HiddenSize and KeySize = ValueSize = encoder
    /// OutputSize; or null for the model whose decoder sees only the encoder's final state.</param>
    /// <param name="output">Maps [h_t; ctx_t] (decoder HiddenSize + ValueSize inputs; HiddenSize without attention) to logits.</param>
    /// <param name="maxSourceLength">Longest source sequence.</param>
    /// <param name="maxTargetLength">Longest target sequence (decoder steps).</param>
    /// <param name="maxBatch">Largest batch.</param>
    /// <exception cref="ArgumentException">The modules' sizes do not fit together (the message names the module and the sizes).</exception>
    public EncoderDecoder(
        IEmbeddingLayer<T> sourceEmbedding,
        ILstmNetwork<T> encoder,
        IEmbeddingLayer<T> targetEmbedding,
        ILstmCell<T> decoder,
        ISingleHeadAttention<T>? attention,
        IDenseLayer<T> output,
        int maxSourceLength,
        int maxTargetLength,
        int maxBatch)
    {
        Guard.NotNull(sourceEmbedding, nameof(sourceEmbedding));
        Guard.NotNull(encoder, nameof(encoder));
        Guard.NotNull(targetEmbedding, nameof(targetEmbedding));
        Guard.NotNull(decoder, nameof(decoder));
        Guard.NotNull(output, nameof(output));
        Guard.Count(maxSourceLength, 1 << 20, nameof(maxSourceLength));
        Guard.Count(maxTargetLength, 1 << 20, nameof(maxTargetLength));
        Guard.Count(maxBatch, 1 << 20, nameof(maxBatch));

        _sourceDimension = sourceEmbedding.Dimension;
        _encoderHidden = encoder.HiddenSize;
        _encoderOutput = encoder.OutputSize;
        _encoderStates = encoder.Layers * encoder.Directions;
        _targetDimension = targetEmbedding.Dimension;
        _contextSize = attention?.ValueSize ?? 0;
        _decoderInput = _targetDimension + _contextSize;
        _decoderHidden = decoder.HiddenSize;
        _headInput = _decoderHidden + _contextSize;
        _classes = output.OutputSize;

        Require(encoder.InputSize == _sourceDimension, nameof(encoder), $"encoder InputSize is {encoder.InputSize}; expected the source embedding's Dimension {_sourceDimension}");
        Require(encoder.StateSize == _encoderHidden, nameof(encoder), $"encoder has a projection (StateSize {encoder.StateSize} ≠ HiddenSize {_encoderHidden}); the decoder's cell state needs the unprojected size");
        Require(decoder.OutputSize == _decoderHidden, nameof(decoder), $"decoder has a projection (OutputSize {decoder.OutputSize} ≠ HiddenSize {_decoderHidden})");
        Require(decoder.InputSize == _decoderInput, nameof(decoder), $"decoder InputSize is {decoder.InputSize}; expected {_decoderInput} (target Dimension {_targetDimension} + context {_contextSize})");
        Require(_decoderHidden == encoder.Directions * _encoderHidden, nameof(decoder), $"decoder HiddenSize is {_decoderHidden}; expected encoder Directions × HiddenSize = {encoder.Directions} × {_encoderHidden}");
        if (attention is not null)
        {
            Require(attention.QuerySize == _decoderHidden, nameof(attention), $"attention QuerySize is {attention.QuerySize}; expected the decoder's HiddenSize {_decoderHidden}");
            Require(attention.KeySize == _encoderOutput && attention.ValueSize == _encoderOutput, nameof(attention), $"attention KeySize and ValueSize are {attention.KeySize} and {attention.ValueSize}; expected the encoder's OutputSize {_encoderOutput}");
        }

        Require(output.InputSize == _headInput, nameof(output), $"output InputSize is {output.InputSize}; expected {_headInput} (decoder HiddenSize {_decoderHidden} + context {_contextSize})");

        _sourceEmbedding = sourceEmbedding;
        _encoder = encoder;
        _targetEmbedding = targetEmbedding;
        _decoder = decoder;
        _attention = attention;
        _output = output;
        Modules = attention is null
            ? [sourceEmbedding, encoder, targetEmbedding, decoder, output]
            : [sourceEmbedding, encoder, targetEmbedding, decoder, attention, output];
        MaxSourceLength = maxSourceLength;
        MaxTargetLength = maxTargetLength;
        MaxBatch = maxBatch;

        int s = maxSourceLength, t = maxTargetLength, b = maxBatch;
        _encoderTape = encoder.CreateTape(s, b);
        _decoderTapes = new Tape<T>[t];
        for (var i = 0; i < t; i++)
        {
            _decoderTapes[i] = decoder.CreateTape(1, b);
        }

        _workspace = attention?.CreateWorkspace(s, b);

        _sourceTokens = new int[s * b];
        _targetInputTokens = new int[t * b];
        _targetOutputTokens = new int[t * b];
        _stepTokens = new int[b];
        _sourceEmbedded = new T[s * b * _sourceDimension];
        _sourceEmbeddedGradient = new T[_sourceEmbedded.Length];
        int encoderState = _encoderStates * b * _encoderHidden;
        _encoderHiddenState = new T[encoderState];
        _encoderCellState = new T[encoderState];
        _encoderFinalHiddenGradient = new T[encoderState];
        _encoderFinalCellGradient = new T[encoderState];
        _encoderInitialHiddenGradient = new T[encoderState];
        _encoderInitialCellGradient = new T[encoderState];
        _encoderOutputs = new T[s * b * _encoderOutput];
        _encoderOutputGradients = new T[_encoderOutputs.Length];
        _memory = attention is null ? [] : new T[_encoderOutputs.Length];
        _keyGradients = new T[_memory.Length];
        _valueGradients = new T[_memory.Length];
        _targetEmbedded = new T[t * b * _targetDimension];
        _targetEmbeddedGradient = new T[_targetEmbedded.Length];
        _decoderInputs = new T[t * b * _decoderInput];
        _decoderInputGradient = new T[b * _decoderInput];
        _decoderStates = new T[t * b * _decoderHidden];
        _hidden = new T[b * _decoderHidden];
        _cell = new T[b * _decoderHidden];
        _contexts = new T[t * b * _contextSize];
        _attentionWeights = attention is null ? [] : new T[t * b * s];
        _headInputs = new T[t * b * _headInput];
        _headInputGradients = new T[_headInputs.Length];
        _logits = new T[t * b * _classes];
        _logitGradients = new T[_logits.Length];
        _hiddenGradient = new T[b * _decoderHidden];
        _cellGradient = new T[b * _decoderHidden];
        _previousHiddenGradient = new T[b * _decoderHidden];
        _previousCellGradient = new T[b * _decoderHidden];
        _stepOutputGradient = new T[b * _decoderHidden];
        _queryGradient = new T[b * _decoderHidden];
        _contextGradient = new T[b * _contextSize];
        _fedContextGradient = new T[b * _contextSize];
    }

    /// <summary>Whether the decoder attends over the encoder's outputs (false: it sees only the encoder's final state).</summary>
    public bool HasAttention => _attention is not null;

    /// <summary>Longest source sequence the buffers hold.</summary>
    public int MaxSourceLength { get; }

    /// <summary>Longest target sequence the buffers hold.</summary>
    public int MaxTargetLength { get; }

    /// <summary>Largest batch the buffers hold.</summary>
    public int MaxBatch { get; }

    /// <summary>Number of output classes (the output layer's OutputSize).</summary>
    public int Classes => _classes;

    /// <summary>Total number of parameters over all modules.</summary>
    public int ParameterCount =>
        _sourceEmbedding.ParameterCount + _encoder.ParameterCount + _targetEmbedding.ParameterCount + _decoder.ParameterCount
        + (_attention?.ParameterCount ?? 0) + _output.ParameterCount;

    /// <summary>The modules in <see cref="AddTo"/> order: source embedding, encoder, target embedding, decoder, attention (if any), output.</summary>
    public IReadOnlyList<IParameterized<T>> Modules { get; }

    /// <summary>
    /// Logits of the last <see cref="Forward"/>, time-major: [targetLength, batch, Classes] (row t·batch + b is sample b's step t).
    /// </summary>
    public ReadOnlySpan<T> Logits => _logits.AsSpan(0, _targetLength * _batch * _classes);

    /// <summary>
    /// Attention weights of the last <see cref="Forward"/>, time-major: [targetLength, batch, sourceLength]; empty without attention.
    /// </summary>
    public ReadOnlySpan<T> AttentionWeights => _attention is null ? default : _attentionWeights.AsSpan(0, _targetLength * _batch * _sourceLength);

    /// <summary>Adds every module to <paramref name="parameters"/> under a descriptive name (the attention only when present).</summary>
    /// <param name="parameters">The set the optimizer will update.</param>
    /// <returns><paramref name="parameters"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> already uses one of the names or holds one of
    /// the modules; nothing is added.</exception>
    public ParameterSet<T> AddTo(ParameterSet<T> parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));

        // Checked before the first Add, so a clash on the fourth module does not leave the first three added.
        for (var i = 0; i < parameters.Count; i++)
        {
            var name = parameters.Name(i);
            if (name is "source_embedding" or "encoder" or "target_embedding" or "decoder" or "output" || (name == "attention" && _attention is not null))
            {
                throw new ArgumentException($"'{nameof(parameters)}' already has a module named \"{name}\"; use a set without this model's names.", nameof(parameters));
            }

            foreach (var module in Modules)
            {
                if (ReferenceEquals(module, parameters.Module(i)))
                {
                    throw new ArgumentException($"'{nameof(parameters)}' already holds this model's {module.GetType().Name} as \"{name}\"; add each module once.", nameof(parameters));
                }
            }
        }

        parameters.Add("source_embedding", _sourceEmbedding).Add("encoder", _encoder).Add("target_embedding", _targetEmbedding).Add("decoder", _decoder);
        if (_attention is not null)
        {
            parameters.Add("attention", _attention);
        }

        return parameters.Add("output", _output);
    }

    /// <summary>Initializes every module from its own seed derived from <paramref name="seed"/> (each module's default distribution).</summary>
    /// <param name="seed">Seed.</param>
    public void InitializeParameters(ulong seed)
    {
        _sourceEmbedding.InitializeParameters(seed);
        _encoder.InitializeParameters(seed + 1);
        _targetEmbedding.InitializeParameters(seed + 2);
        _decoder.InitializeParameters(seed + 3);
        _attention?.InitializeParameters(seed + 4);
        _output.InitializeParameters(seed + 5);
    }

    /// <summary>
    /// Teacher-forced forward pass and loss: encodes the sources, runs the decoder on the given target inputs, and returns
    /// the mean softmax cross-entropy over every target that is not <paramref name="ignoreIndex"/>. Records what
    /// <see cref="Backward"/> needs.
    /// </summary>
    /// <param name="sourceLength">S, 1 to <see cref="MaxSourceLength"/>.</param>
    /// <param name="targetLength">Decoder steps, 1 to <see cref="MaxTargetLength"/>.</param>
    /// <param name="batch">B, 1 to <see cref="MaxBatch"/>.</param>
    /// <param name="sources">[B, S] source tokens.</param>
    /// <param name="targetInputs">[B, targetLength] decoder inputs: the start token, then the targets shifted right.</param>
    /// <param name="targetOutputs">[B, targetLength] tokens to predict, or <paramref name="ignoreIndex"/> for padding.</param>
    /// <param name="ignoreIndex">Target value that contributes nothing to the loss.</param>
    /// <returns>The mean loss over non-ignored targets (0 if every target is ignored).</returns>
    /// <exception cref="ArgumentException">A length or token is out of range; nothing is recorded.</exception>
    public T Forward(int sourceLength, int targetLength, int batch, ReadOnlySpan<int> sources, ReadOnlySpan<int> targetInputs, ReadOnlySpan<int> targetOutputs, int ignoreIndex = -100)
    {
        CheckCounts(sourceLength, targetLength, batch);
        Guard.Length(sources.Length, (long)batch * sourceLength, nameof(sources), "batch × sourceLength = {0} × {1}", batch, sourceLength);
        Guard.Length(targetInputs.Length, (long)batch * targetLength, nameof(targetInputs), "batch × targetLength = {0} × {1}", batch, targetLength);
        Guard.Length(targetOutputs.Length, (long)batch * targetLength, nameof(targetOutputs), "batch × targetLength = {0} × {1}", batch, targetLength);
        CheckTokens(sources, _sourceEmbedding.VocabularySize, nameof(sources), null);
        CheckTokens(targetInputs, _targetEmbedding.VocabularySize, nameof(targetInputs), null);
        CheckTokens(targetOutputs, _classes, nameof(targetOutputs), ignoreIndex);

        _recorded = false;
        _sourceLength = sourceLength;
        _targetLength = targetLength;
        _batch = batch;
        Transpose(targetInputs, batch, targetLength, _targetInputTokens);
        Transpose(targetOutputs, batch, targetLength, _targetOutputTokens);
        Encode(sourceLength, batch, sources);

        int rows = targetLength * batch;
        _targetEmbedding.Forward(_targetInputTokens.AsSpan(0, rows), _targetEmbedded.AsSpan(0, rows * _targetDimension));
        int d = _targetDimension, c = _contextSize, h = _decoderHidden;
        Span<T> hidden = _hidden.AsSpan(0, batch * h), cell = _cell.AsSpan(0, batch * h);
        for (var t = 0; t < targetLength; t++)
        {
            Span<T> inputs = _decoderInputs.AsSpan(t * batch * _decoderInput, batch * _decoderInput);
            for (var b = 0; b < batch; b++)
            {
                Span<T> row = inputs.Slice(b * _decoderInput, _decoderInput);
                _targetEmbedded.AsSpan(((t * batch) + b) * d, d).CopyTo(row);
                if (c > 0)
                {
                    // Input feeding: the previous step's context (zero before the first step).
                    if (t == 0)
                    {
                        row.Slice(d, c).Clear();
                    }
                    else
                    {
                        _contexts.AsSpan((((t - 1) * batch) + b) * c, c).CopyTo(row.Slice(d, c));
                    }
                }
            }

            Span<T> states = _decoderStates.AsSpan(t * batch * h, batch * h);
            _decoder.Forward(1, batch, inputs, hidden, cell, states, _decoderTapes[t]);
            Span<T> context = _contexts.AsSpan(t * batch * c, batch * c);
            if (_attention is not null)
            {
                _attention.Step(states, _workspace!, context, _attentionWeights.AsSpan(t * batch * sourceLength, batch * sourceLength));
            }

            Span<T> head = _headInputs.AsSpan(t * batch * _headInput, batch * _headInput);
            for (var b = 0; b < batch; b++)
            {
                states.Slice(b * h, h).CopyTo(head.Slice(b * _headInput, h));
                context.Slice(b * c, c).CopyTo(head.Slice((b * _headInput) + h, c));
            }
        }

        Span<T> logits = _logits.AsSpan(0, rows * _classes);
        _output.Forward(rows, _headInputs.AsSpan(0, rows * _headInput), logits);
        T loss = Loss.SoftmaxCrossEntropy(logits, _classes, _targetOutputTokens.AsSpan(0, rows), _logitGradients.AsSpan(0, rows * _classes), ignoreIndex);
        _recorded = true;
        return loss;
    }

    /// <summary>
    /// Backward of the last <see cref="Forward"/>: adds dLoss/dθ of every module to its gradient buffer in
    /// <paramref name="gradients"/> (see <see cref="AddTo"/>). Call <c>ZeroGradients</c> first unless you mean to accumulate.
    /// </summary>
    /// <param name="gradients">A parameter set holding every module of this model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gradients"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="gradients"/> lacks a module of this model; no gradient is written.</exception>
    /// <exception cref="InvalidOperationException">No forward pass has been recorded.</exception>
    public void Backward(ParameterSet<T> gradients)
    {
        Guard.NotNull(gradients, nameof(gradients));

        // Every module is looked up before any gradient is added: a set without, say, the decoder must not be left
        // holding the output layer's share of a half-finished backward pass.
        // (Indexed, not foreach: enumerating the interface would allocate on every training step.)
        for (var m = 0; m < Modules.Count; m++)
        {
            if (!gradients.Contains(Modules[m]))
            {
                throw new ArgumentException($"'{nameof(gradients)}' lacks the module {Modules[m].GetType().Name} of this model; add them all with AddTo.", nameof(gradients));
            }
        }

        if (!_recorded)
        {
            throw new InvalidOperationException("Backward needs a recorded Forward pass; call Forward first.");
        }

        int batch = _batch, rows = _targetLength * batch, h = _decoderHidden, c = _contextSize, d = _targetDimension, s = _sourceLength;
        if (_attention is not null)
        {
            // The attention gathers the memory gradients of every StepBackward in its workspace, from zero at Prepare:
            // prepare again (the memory is still there) so a second Backward of the same Forward gives the same
            // gradients instead of adding the first one's memory gradients to its own.
            _attention.Prepare(s, batch, _memory.AsSpan(0, batch * s * _encoderOutput), _memory.AsSpan(0, batch * s * _encoderOutput), default, _workspace!);
        }

        Span<T> headGradients = _headInputGradients.AsSpan(0, rows * _headInput);
        _output.Backward(rows, _headInputs.AsSpan(0, rows * _headInput), _logits.AsSpan(0, rows * _classes), _logitGradients.AsSpan(0, rows * _classes), headGradients, gradients.Gradients(_output));

        Span<T> decoderGradients = gradients.Gradients(_decoder);
        Span<T> attentionGradients = _attention is null ? default : gradients.Gradients(_attention);
        Span<T> hiddenGradient = _hiddenGradient.AsSpan(0, batch * h), cellGradient = _cellGradient.AsSpan(0, batch * h);
        Span<T> previousHidden = _previousHiddenGradient.AsSpan(0, batch * h), previousCell = _previousCellGradient.AsSpan(0, batch * h);
        Span<T> stepOutput = _stepOutputGradient.AsSpan(0, batch * h), query = _queryGradient.AsSpan(0, batch * h);
        Span<T> contextGradient = _contextGradient.AsSpan(0, batch * c), fedContext = _fedContextGradient.AsSpan(0, batch * c);
        Span<T> inputGradient = _decoderInputGradient.AsSpan(0, batch * _decoderInput);
        hiddenGradient.Clear();
        cellGradient.Clear();
        fedContext.Clear();
        for (var t = _targetLength - 1; t >= 0; t--)
        {
            Span<T> head = headGradients.Slice(t * batch * _headInput, batch * _headInput);
            for (var b = 0; b < batch; b++)
            {
                head.Slice(b * _headInput, h).CopyTo(stepOutput.Slice(b * h, h));
                Span<T> fromHead = head.Slice((b * _headInput) + h, c), total = contextGradient.Slice(b * c, c), fed = fedContext.Slice(b * c, c);
                for (var j = 0; j < c; j++)
                {
                    total[j] = fromHead[j] + fed[j];
                }
            }

            ReadOnlySpan<T> states = _decoderStates.AsSpan(t * batch * h, batch * h);
            if (_attention is not null)
            {
                _attention.StepBackward(states, _workspace!, contextGradient, query, attentionGradients);
                Add(query, stepOutput);
            }

            _decoder.Backward(_decoderTapes[t], stepOutput, hiddenGradient, cellGradient, inputGradient, previousHidden, previousCell, decoderGradients);
            Span<T> embeddedGradient = _targetEmbeddedGradient.AsSpan(t * batch * d, batch * d);
            for (var b = 0; b < batch; b++)
            {
                Span<T> row = inputGradient.Slice(b * _decoderInput, _decoderInput);
                row.Slice(0, d).CopyTo(embeddedGradient.Slice(b * d, d));
                row.Slice(d, c).CopyTo(fedContext.Slice(b * c, c));
            }

            previousHidden.CopyTo(hiddenGradient);
            previousCell.CopyTo(cellGradient);
        }

        // The first step's context input is the constant zero: its gradient (now in fedContext) goes nowhere.
        _targetEmbedding.Backward(_targetInputTokens.AsSpan(0, rows), _targetEmbeddedGradient.AsSpan(0, rows * d), gradients.Gradients(_targetEmbedding));

        int eo = _encoderOutput;
        Span<T> encoderOutputGradients = _encoderOutputGradients.AsSpan(0, s * batch * eo);
        if (_attention is not null)
        {
            Span<T> keys = _keyGradients.AsSpan(0, batch * s * eo), values = _valueGradients.AsSpan(0, batch * s * eo);
            _attention.PrepareBackward(_workspace!, keys, values, attentionGradients);
            Add(keys, values);
            for (var b = 0; b < batch; b++)
            {
                for (var i = 0; i < s; i++)
                {
                    values.Slice(((b * s) + i) * eo, eo).CopyTo(encoderOutputGradients.Slice(((i * batch) + b) * eo, eo));
                }
            }
        }
        else
        {
            encoderOutputGradients.Clear();
        }

        // dL/d(decoder's initial state) flows to the encoder's last layer's final states; other layers get zero.
        int stateLength = _encoderStates * batch * _encoderHidden;
        Span<T> finalHidden = _encoderFinalHiddenGradient.AsSpan(0, stateLength), finalCell = _encoderFinalCellGradient.AsSpan(0, stateLength);
        finalHidden.Clear();
        finalCell.Clear();
        ScatterFinalState(hiddenGradient, finalHidden, batch);
        ScatterFinalState(cellGradient, finalCell, batch);
        Span<T> sourceGradient = _sourceEmbeddedGradient.AsSpan(0, s * batch * _sourceDimension);
        _encoder.Backward(_encoderTape, encoderOutputGradients, finalHidden, finalCell, sourceGradient, _encoderInitialHiddenGradient.AsSpan(0, stateLength), _encoderInitialCellGradient.AsSpan(0, stateLength), gradients.Gradients(_encoder));
        _sourceEmbedding.Backward(_sourceTokens.AsSpan(0, s * batch), sourceGradient, gradients.Gradients(_sourceEmbedding));
    }

    /// <summary>
    /// Greedy decoding: encodes the sources, then feeds each step's most likely token (the first on ties) to the next step,
    /// starting from <paramref name="startToken"/>, for exactly <paramref name="targetLength"/> steps.
    /// </summary>
    /// <param name="sourceLength">S, 1 to <see cref="MaxSourceLength"/>.</param>
    /// <param name="targetLength">Tokens to generate, 1 to <see cref="MaxTargetLength"/>.</param>
    /// <param name="batch">B, 1 to <see cref="MaxBatch"/>.</param>
    /// <param name="sources">[B, S] source tokens.</param>
    /// <param name="startToken">The decoder's first input token.</param>
    /// <param name="outputs">[B, targetLength], receives the generated tokens.</param>
    /// <param name="attentionWeights">[B, targetLength, S], receives each step's attention weights; or empty.</param>
    /// <exception cref="ArgumentException">A length or token is out of range, or weights are requested from a model without attention.</exception>
    /// <exception cref="InvalidOperationException">The output layer has more classes than the target embedding has tokens.</exception>
    public void Decode(int sourceLength, int targetLength, int batch, ReadOnlySpan<int> sources, int startToken, Span<int> outputs, Span<T> attentionWeights)
    {
        CheckCounts(sourceLength, targetLength, batch);
        Guard.Length(sources.Length, (long)batch * sourceLength, nameof(sources), "batch × sourceLength = {0} × {1}", batch, sourceLength);
        Guard.Length(outputs.Length, (long)batch * targetLength, nameof(outputs), "batch × targetLength = {0} × {1}", batch, targetLength);
        if (!attentionWeights.IsEmpty)
        {
            if (_attention is null)
            {
                throw new ArgumentException("'attentionWeights' must be empty: this model has no attention.", nameof(attentionWeights));
            }

            Guard.Length(attentionWeights.Length, (long)batch * targetLength * sourceLength, nameof(attentionWeights), "batch × targetLength × sourceLength = {0} × {1} × {2}", batch, targetLength, sourceLength);
        }

        if (_classes > _targetEmbedding.VocabularySize)
        {
            throw new InvalidOperationException($"Decode feeds each predicted class back as the next target token, but the output layer has {_classes} classes and the target embedding only {_targetEmbedding.VocabularySize} tokens.");
        }

        CheckTokens(sources, _sourceEmbedding.VocabularySize, nameof(sources), null);
        if ((uint)startToken >= (uint)_targetEmbedding.VocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(startToken), startToken, $"'startToken' must be in [0, {_targetEmbedding.VocabularySize}).");
        }

        _recorded = false; // the encoder tape is reused below; a later Backward must not see it
        Encode(sourceLength, batch, sources);
        int d = _targetDimension, c = _contextSize, h = _decoderHidden;
        Span<T> hidden = _hidden.AsSpan(0, batch * h), cell = _cell.AsSpan(0, batch * h);
        Span<int> tokens = _stepTokens.AsSpan(0, batch);
        tokens.Fill(startToken);
        Span<T> embedded = _targetEmbedded.AsSpan(0, batch * d), inputs = _decoderInputs.AsSpan(0, batch * _decoderInput);
        Span<T> context = _contexts.AsSpan(0, batch * c), weights = _attentionWeights.AsSpan(0, _attention is null ? 0 : batch * sourceLength);
        Span<T> head = _headInputs.AsSpan(0, batch * _headInput), logits = _logits.AsSpan(0, batch * _classes);
        context.Clear();
        for (var t = 0; t < targetLength; t++)
        {
            _targetEmbedding.Forward(tokens, embedded);
            for (var b = 0; b < batch; b++)
            {
                embedded.Slice(b * d, d).CopyTo(inputs.Slice(b * _decoderInput, d));
                context.Slice(b * c, c).CopyTo(inputs.Slice((b * _decoderInput) + d, c));
            }

            _decoder.StepBatch(inputs, hidden, cell);
            if (_attention is not null)
            {
                _attention.Step(hidden, _workspace!, context, weights);
                if (!attentionWeights.IsEmpty)
                {
                    for (var b = 0; b < batch; b++)
                    {
                        weights.Slice(b * sourceLength, sourceLength).CopyTo(attentionWeights.Slice(((b * targetLength) + t) * sourceLength, sourceLength));
                    }
                }
            }

            for (var b = 0; b < batch; b++)
            {
                hidden.Slice(b * h, h).CopyTo(head.Slice(b * _headInput, h));
                context.Slice(b * c, c).CopyTo(head.Slice((b * _headInput) + h, c));
            }

            _output.Forward(batch, head, logits);
            for (var b = 0; b < batch; b++)
            {
                int best = ArgMax(logits.Slice(b * _classes, _classes));
                tokens[b] = best;
                outputs[(b * targetLength) + t] = best;
            }
        }

        // Logits and AttentionWeights describe a Forward pass; after decoding they are scratch.
        _targetLength = 0;
        _batch = 0;
    }

    private void Encode(int sourceLength, int batch, ReadOnlySpan<int> sources)
    {
        int rows = sourceLength * batch;
        Span<int> tokens = _sourceTokens.AsSpan(0, rows);
        Transpose(sources, batch, sourceLength, tokens);
        Span<T> embedded = _sourceEmbedded.AsSpan(0, rows * _sourceDimension);
        _sourceEmbedding.Forward(tokens, embedded);
        int states = _encoderStates * batch * _encoderHidden;
        Span<T> hidden = _encoderHiddenState.AsSpan(0, states), cell = _encoderCellState.AsSpan(0, states);
        hidden.Clear();
        cell.Clear();
        int eo = _encoderOutput;
        Span<T> outputs = _encoderOutputs.AsSpan(0, rows * eo);
        _encoder.Forward(sourceLength, batch, embedded, hidden, cell, outputs, _encoderTape);

        GatherFinalState(hidden, _hidden.AsSpan(0, batch * _decoderHidden), batch);
        GatherFinalState(cell, _cell.AsSpan(0, batch * _decoderHidden), batch);
        if (_attention is not null)
        {
            // The attention wants batch-major memory; the encoder writes time-major outputs.
            Span<T> memory = _memory.AsSpan(0, rows * eo);
            for (var i = 0; i < sourceLength; i++)
            {
                for (var b = 0; b < batch; b++)
                {
                    outputs.Slice(((i * batch) + b) * eo, eo).CopyTo(memory.Slice(((b * sourceLength) + i) * eo, eo));
                }
            }

            _attention.Prepare(sourceLength, batch, memory, memory, default, _workspace!);
        }
    }

    // Encoder states are [Layers·Directions, B, H]; the decoder's are [B, Directions·H] from the last layer.
    private void GatherFinalState(ReadOnlySpan<T> encoderStates, Span<T> decoderState, int batch)
    {
        int directions = _decoderHidden / _encoderHidden, first = _encoderStates - directions, hs = _encoderHidden;
        for (var dir = 0; dir < directions; dir++)
        {
            for (var b = 0; b < batch; b++)
            {
                encoderStates.Slice((((first + dir) * batch) + b) * hs, hs).CopyTo(decoderState.Slice((b * _decoderHidden) + (dir * hs), hs));
            }
        }
    }

    private void ScatterFinalState(ReadOnlySpan<T> decoderState, Span<T> encoderStates, int batch)
    {
        int directions = _decoderHidden / _encoderHidden, first = _encoderStates - directions, hs = _encoderHidden;
        for (var dir = 0; dir < directions; dir++)
        {
            for (var b = 0; b < batch; b++)
            {
                decoderState.Slice((b * _decoderHidden) + (dir * hs), hs).CopyTo(encoderStates.Slice((((first + dir) * batch) + b) * hs, hs));
            }
        }
    }

    private void CheckCounts(int sourceLength, int targetLength, int batch)
    {
        Guard.Count(sourceLength, MaxSourceLength, nameof(sourceLength));
        Guard.Count(targetLength, MaxTargetLength, nameof(targetLength));
        Guard.Count(batch, MaxBatch, nameof(batch));
    }

    // allowed: the one out-of-vocabulary value accepted (the ignore index), or null. (A sentinel int would let that
    // int through as a token: int.MinValue used to reach the embedding after Forward had started changing state.)
    private static void CheckTokens(ReadOnlySpan<int> tokens, int vocabulary, string argumentName, int? allowed)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabulary && tokens[i] != allowed)
            {
                throw new ArgumentException($"'{argumentName}' holds token {tokens[i]} at index {i}; expected 0 to {vocabulary - 1}{(allowed is null ? string.Empty : $" or the ignore index {allowed}")}.", argumentName);
            }
        }
    }

    private static void Require(bool condition, string argumentName, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message + ".", argumentName);
        }
    }

    // [rows, columns] → [columns, rows].
    private static void Transpose(ReadOnlySpan<int> source, int rows, int columns, Span<int> destination)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var k = 0; k < columns; k++)
            {
                destination[(k * rows) + r] = source[(r * columns) + k];
            }
        }
    }

    private static void Add(ReadOnlySpan<T> source, Span<T> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] += source[i];
        }
    }

    private static int ArgMax(ReadOnlySpan<T> values)
    {
        int best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
