using System;
using System.Collections.Generic;

namespace Simd.Tests.GradCheck;

/// <summary>An LSTM cell whose Backward adds <see cref="Slip"/> to one parameter or input gradient: a planted bug for the checker to find.</summary>
internal sealed class LstmWithWrongGradient(ILstmCell<double> inner) : ILstmCell<double>
{
    public int ParameterSlipAt { get; init; } = -1;

    public int InputSlipAt { get; init; } = -1;

    public double Slip { get; init; }

    public int InputSize => inner.InputSize;

    public int HiddenSize => inner.HiddenSize;

    public int OutputSize => inner.OutputSize;

    public int ParameterCount => inner.ParameterCount;

    public Span<double> Parameters => inner.Parameters;

    public int WeightIndex(int row, int column) => inner.WeightIndex(row, column);

    public int BiasIhIndex(int row) => inner.BiasIhIndex(row);

    public int BiasHhIndex(int row) => inner.BiasHhIndex(row);

    public void InitializeParameters(ulong seed) => inner.InitializeParameters(seed);

    public void ImportPyTorch(ReadOnlySpan<double> weightIh, ReadOnlySpan<double> weightHh, ReadOnlySpan<double> biasIh, ReadOnlySpan<double> biasHh) =>
        inner.ImportPyTorch(weightIh, weightHh, biasIh, biasHh);

    public void ExportPyTorch(Span<double> weightIh, Span<double> weightHh, Span<double> biasIh, Span<double> biasHh) =>
        inner.ExportPyTorch(weightIh, weightHh, biasIh, biasHh);

    public Tape<double> CreateTape(int maxSteps, int maxBatch) => inner.CreateTape(maxSteps, maxBatch);

    public void Step(ReadOnlySpan<double> input, Span<double> hidden, Span<double> cell) => inner.Step(input, hidden, cell);

    public void StepBatch(ReadOnlySpan<double> inputs, Span<double> hidden, Span<double> cell) => inner.StepBatch(inputs, hidden, cell);

    public void Forward(int steps, int batch, ReadOnlySpan<double> inputs, Span<double> hidden, Span<double> cell, Span<double> outputs, Tape<double>? tape) =>
        inner.Forward(steps, batch, inputs, hidden, cell, outputs, tape);

    public void Backward(Tape<double> tape, ReadOnlySpan<double> outputGradients, ReadOnlySpan<double> finalHiddenGradient, ReadOnlySpan<double> finalCellGradient, Span<double> inputGradients, Span<double> initialHiddenGradient, Span<double> initialCellGradient, Span<double> parameterGradients)
    {
        inner.Backward(tape, outputGradients, finalHiddenGradient, finalCellGradient, inputGradients, initialHiddenGradient, initialCellGradient, parameterGradients);
        if (ParameterSlipAt >= 0)
        {
            parameterGradients[ParameterSlipAt] += Slip;
        }

        if (InputSlipAt >= 0)
        {
            inputGradients[InputSlipAt] += Slip;
        }
    }
}

/// <summary>Multi-head attention whose Backward adds <see cref="Slip"/> to one parameter gradient (an index in the cell's storage layout).</summary>
internal sealed class MultiHeadWithWrongGradient(IMultiHeadAttention<double> inner) : IMultiHeadAttention<double>
{
    public int ParameterSlipAt { get; init; } = -1;

    public int KeySlipAt { get; init; } = -1;

    public double Slip { get; init; }

    public int ParameterCount => inner.ParameterCount;

    public Span<double> Parameters => inner.Parameters;

    public IReadOnlyList<string> ParameterNames => inner.ParameterNames;

    public int ModelSize => inner.ModelSize;

    public int Heads => inner.Heads;

    public int HeadSize => inner.HeadSize;

    public int ParameterLength(string name) => inner.ParameterLength(name);

    public int ParameterOffset(string name) => inner.ParameterOffset(name);

    public void ImportParameter(string name, ReadOnlySpan<double> tensor) => inner.ImportParameter(name, tensor);

    public void ExportParameter(string name, Span<double> tensor) => inner.ExportParameter(name, tensor);

    public void ReadTensor(ReadOnlySpan<double> source, string name, Span<double> tensor) => inner.ReadTensor(source, name, tensor);

    public void InitializeParameters(ulong seed) => inner.InitializeParameters(seed);

    public AttentionWorkspace<double> CreateWorkspace(int maxTokens, int maxBatch) => inner.CreateWorkspace(maxTokens, maxBatch);

    public void Forward(int queryCount, int keyCount, int batch, ReadOnlySpan<double> query, ReadOnlySpan<double> key, ReadOnlySpan<double> value, ReadOnlySpan<int> keyLengths, bool causal, Span<double> output, Span<double> weights, AttentionWorkspace<double> workspace) =>
        inner.Forward(queryCount, keyCount, batch, query, key, value, keyLengths, causal, output, weights, workspace);

    public void Backward(AttentionWorkspace<double> workspace, ReadOnlySpan<double> outputGradient, Span<double> queryGradient, Span<double> keyGradient, Span<double> valueGradient, Span<double> parameterGradients)
    {
        inner.Backward(workspace, outputGradient, queryGradient, keyGradient, valueGradient, parameterGradients);
        if (ParameterSlipAt >= 0)
        {
            parameterGradients[ParameterSlipAt] += Slip;
        }

        if (KeySlipAt >= 0)
        {
            keyGradient[KeySlipAt] += Slip;
        }
    }

    public KeyValueCache<double> CreateCache(int capacity, int maxBatch) => inner.CreateCache(capacity, maxBatch);

    public void DecodeStep(int batch, ReadOnlySpan<double> input, KeyValueCache<double> cache, Span<double> output, Span<double> weights) =>
        inner.DecodeStep(batch, input, cache, output, weights);
}
