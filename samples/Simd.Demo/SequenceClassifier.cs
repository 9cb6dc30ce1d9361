using System;
using Simd.Training;

namespace Simd.Demo;

/// <summary>
/// Embedding → recurrent cell (RNN, GRU or LSTM, through the common interfaces) → dense layer on the final hidden state,
/// trained with softmax cross-entropy and Adam. Buffers are sized once for the longest sequence and batch.
/// </summary>
internal sealed class SequenceClassifier
{
    private readonly IEmbeddingLayer<float> _embedding;
    private readonly IRecurrentCell<float> _cell;
    private readonly IDenseLayer<float> _head;
    private readonly Tape<float> _tape;
    private readonly ParameterSet<float> _parameters;
    private readonly Adam<float> _optimizer;
    private readonly float[] _embedded, _outputs, _outputGradients, _inputGradients, _hidden, _cellState;
    private readonly float[] _hiddenGradient, _cellGradient, _initialGradient, _initialCellGradient, _logits, _logitGradients;
    private readonly int[] _tokens;
    private int _steps, _batch;

    public SequenceClassifier(string name, IEmbeddingLayer<float> embedding, IRecurrentCell<float> cell, IDenseLayer<float> head, int maxSteps, int maxBatch, ulong seed, float learningRate, float? forgetBias = null)
    {
        Name = name;
        _embedding = embedding;
        _cell = cell;
        _head = head;
        embedding.InitializeParameters(seed);
        cell.InitializeParameters(seed + 1);
        head.InitializeParameters(seed + 2);
        if (forgetBias is float bias && cell is ILstmCell<float>)
        {
            // Jozefowicz et al. (2015): start the forget gate open, so the cell state (and its gradient) is carried
            // across many steps from the first update on. PyTorch's default leaves it near sigmoid(0) = 0.5.
            for (var unit = 0; unit < cell.HiddenSize; unit++)
            {
                cell.Parameters[cell.BiasIhIndex(cell.HiddenSize + unit)] = bias;
                cell.Parameters[cell.BiasHhIndex(cell.HiddenSize + unit)] = 0;
            }
        }
        _tape = cell.CreateTape(maxSteps, maxBatch);
        _parameters = new ParameterSet<float>().Add("embedding", embedding).Add("cell", cell).Add("head", head);
        _optimizer = new Adam<float>(_parameters, learningRate);
        int h = cell.HiddenSize;
        _tokens = new int[maxSteps * maxBatch];
        _embedded = new float[maxSteps * maxBatch * cell.InputSize];
        _inputGradients = new float[_embedded.Length];
        _outputs = new float[maxSteps * maxBatch * h];
        _outputGradients = new float[_outputs.Length];
        _hidden = new float[maxBatch * h];
        _cellState = new float[maxBatch * h];
        _hiddenGradient = new float[maxBatch * h];
        _cellGradient = new float[maxBatch * h];
        _initialGradient = new float[maxBatch * h];
        _initialCellGradient = new float[maxBatch * h];
        _logits = new float[maxBatch * head.OutputSize];
        _logitGradients = new float[_logits.Length];
    }

    public string Name { get; }

    /// <summary>dL/dx of the last <see cref="Backward"/>, time-major [steps, batch, InputSize].</summary>
    public ReadOnlySpan<float> InputGradients => _inputGradients.AsSpan(0, _steps * _batch * _cell.InputSize);

    public int InputSize => _cell.InputSize;

    /// <summary>Forward over time-major tokens [steps, batch]; returns the mean loss and records for <see cref="Backward"/>.</summary>
    public float Forward(int steps, int batch, ReadOnlySpan<int> tokens, ReadOnlySpan<int> answers)
    {
        _steps = steps;
        _batch = batch;
        int h = _cell.HiddenSize, rows = steps * batch;
        tokens.CopyTo(_tokens);
        Span<float> embedded = _embedded.AsSpan(0, rows * _cell.InputSize), outputs = _outputs.AsSpan(0, rows * h);
        _embedding.Forward(tokens, embedded);
        Span<float> hidden = _hidden.AsSpan(0, batch * h);
        hidden.Clear();
        switch (_cell)
        {
            case ILstmCell<float> lstm:
                Span<float> cell = _cellState.AsSpan(0, batch * h);
                cell.Clear();
                lstm.Forward(steps, batch, embedded, hidden, cell, outputs, _tape);
                break;
            case IHiddenStateCell<float> plain:
                plain.Forward(steps, batch, embedded, hidden, outputs, _tape);
                break;
            default:
                throw new NotSupportedException(_cell.GetType().Name);
        }

        Span<float> logits = _logits.AsSpan(0, batch * _head.OutputSize);
        _head.Forward(batch, hidden, logits);
        return Loss.SoftmaxCrossEntropy<float>(logits, _head.OutputSize, answers, _logitGradients.AsSpan(0, logits.Length));
    }

    /// <summary>Backward of the last forward: parameter gradients (added to) and dL/dx for every step.</summary>
    public void Backward()
    {
        int h = _cell.HiddenSize, batch = _batch;
        Span<float> hiddenGradient = _hiddenGradient.AsSpan(0, batch * h);
        _head.Backward(batch, _hidden.AsSpan(0, batch * h), _logits.AsSpan(0, batch * _head.OutputSize), _logitGradients.AsSpan(0, batch * _head.OutputSize), hiddenGradient, _parameters.Gradients(_head));

        // The loss reads only the final hidden state: every per-step output gradient is zero.
        Span<float> outputGradients = _outputGradients.AsSpan(0, _steps * batch * h);
        outputGradients.Clear();
        Span<float> inputGradients = _inputGradients.AsSpan(0, _steps * batch * _cell.InputSize);
        switch (_cell)
        {
            case ILstmCell<float> lstm:
                Span<float> cellGradient = _cellGradient.AsSpan(0, batch * h);
                cellGradient.Clear();
                lstm.Backward(_tape, outputGradients, hiddenGradient, cellGradient, inputGradients, _initialGradient.AsSpan(0, batch * h), _initialCellGradient.AsSpan(0, batch * h), _parameters.Gradients(_cell));
                break;
            case IHiddenStateCell<float> plain:
                plain.Backward(_tape, outputGradients, hiddenGradient, inputGradients, _initialGradient.AsSpan(0, batch * h), _parameters.Gradients(_cell));
                break;
        }

        _embedding.Backward(_tokens.AsSpan(0, _steps * batch), inputGradients, _parameters.Gradients(_embedding));
    }

    /// <summary>One training step: forward, loss, backward, clip to global norm 1, Adam.</summary>
    public float TrainStep(int steps, int batch, ReadOnlySpan<int> tokens, ReadOnlySpan<int> answers)
    {
        _parameters.ZeroGradients();
        float loss = Forward(steps, batch, tokens, answers);
        Backward();
        _parameters.ClipGradientsByGlobalNorm(1f);
        _optimizer.Step();
        return loss;
    }

    /// <summary>Counts the samples of the last forward whose most likely class is the answer.</summary>
    public int Correct(ReadOnlySpan<int> answers)
    {
        int classes = _head.OutputSize, correct = 0;
        for (var b = 0; b < _batch; b++)
        {
            ReadOnlySpan<float> row = _logits.AsSpan(b * classes, classes);
            int best = 0;
            for (var k = 1; k < classes; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            correct += best == answers[b] ? 1 : 0;
        }

        return correct;
    }
}
