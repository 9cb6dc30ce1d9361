using System;
using System.Collections.Generic;
using System.Linq;

namespace Simd.Tests.Models;

/// <summary>
/// The encoder–decoder written out in double, one sample at a time, from the modules' PyTorch tensors and the textbook
/// formulas (nn.LSTM gates i, f, g, o; vᵀ tanh(W_q q + W_k k + b) attention; softmax cross-entropy). It shares no code
/// with the runtime.
/// </summary>
internal sealed class EncoderDecoderReference
{
    private readonly double[] _sourceEmbedding, _targetEmbedding, _outputWeight, _outputBias;
    private readonly LstmTensors _forward, _reverse, _decoder;
    private readonly double[]? _queryWeight, _keyWeight, _attentionBias, _scoreWeight;
    private readonly int _sourceDim, _targetDim, _encoderHidden, _decoderHidden, _attentionSize, _classes;

    public EncoderDecoderReference(IEmbeddingLayer<double> sourceEmbedding, ILstmNetwork<double> encoder, IEmbeddingLayer<double> targetEmbedding, ILstmCell<double> decoder, ISingleHeadAttention<double>? attention, IDenseLayer<double> output)
    {
        _sourceDim = sourceEmbedding.Dimension;
        _targetDim = targetEmbedding.Dimension;
        _encoderHidden = encoder.HiddenSize;
        _decoderHidden = decoder.HiddenSize;
        _classes = output.OutputSize;
        _sourceEmbedding = Export(sourceEmbedding.VocabularySize * _sourceDim, t => sourceEmbedding.ExportPyTorch("weight", t));
        _targetEmbedding = Export(targetEmbedding.VocabularySize * _targetDim, t => targetEmbedding.ExportPyTorch("weight", t));
        _forward = LstmTensors.From(encoder, string.Empty);
        _reverse = LstmTensors.From(encoder, "_reverse");
        _decoder = LstmTensors.From(decoder);
        _outputWeight = Export(output.OutputSize * output.InputSize, t => output.ExportPyTorch("weight", t));
        _outputBias = Export(output.OutputSize, t => output.ExportPyTorch("bias", t));
        if (attention is not null)
        {
            _attentionSize = attention.AttentionSize;
            _queryWeight = Export(attention.ParameterLength("query_weight"), t => attention.ExportParameter("query_weight", t));
            _keyWeight = Export(attention.ParameterLength("key_weight"), t => attention.ExportParameter("key_weight", t));
            _attentionBias = Export(attention.ParameterLength("bias"), t => attention.ExportParameter("bias", t));
            _scoreWeight = Export(attention.ParameterLength("score_weight"), t => attention.ExportParameter("score_weight", t));
        }
    }

    private delegate void Exporter(Span<double> tensor);

    /// <summary>Logits [targetLength, batch, classes] (time-major, like the model), attention weights [targetLength, batch, S] and the mean loss.</summary>
    public (double[] Logits, double[] Weights, double Loss) Run(int sourceLength, int targetLength, int batch, int[] sources, int[] targetInputs, int[] targets, int ignoreIndex)
    {
        var logits = new double[targetLength * batch * _classes];
        var weights = new double[targetLength * batch * sourceLength];
        double lossSum = 0;
        int counted = 0;
        for (var b = 0; b < batch; b++)
        {
            // Encoder, both directions.
            var outputs = new double[sourceLength][];
            var h = new double[_encoderHidden];
            var c = new double[_encoderHidden];
            for (var s = 0; s < sourceLength; s++)
            {
                (h, c) = _forward.Step(Row(_sourceEmbedding, sources[(b * sourceLength) + s], _sourceDim), h, c);
                outputs[s] = h;
            }

            double[] hForward = h, cForward = c;
            h = new double[_encoderHidden];
            c = new double[_encoderHidden];
            for (var s = sourceLength - 1; s >= 0; s--)
            {
                (h, c) = _reverse.Step(Row(_sourceEmbedding, sources[(b * sourceLength) + s], _sourceDim), h, c);
                outputs[s] = outputs[s].Concat(h).ToArray();
            }

            double[] decoderH = hForward.Concat(h).ToArray(), decoderC = cForward.Concat(c).ToArray();
            var context = new double[_queryWeight is null ? 0 : 2 * _encoderHidden];
            for (var t = 0; t < targetLength; t++)
            {
                double[] x = Row(_targetEmbedding, targetInputs[(b * targetLength) + t], _targetDim).Concat(context).ToArray();
                (decoderH, decoderC) = _decoder.Step(x, decoderH, decoderC);
                if (_queryWeight is not null)
                {
                    double[] alpha = Attend(decoderH, outputs);
                    Array.Copy(alpha, 0, weights, ((t * batch) + b) * sourceLength, sourceLength);
                    context = new double[context.Length];
                    for (var s = 0; s < sourceLength; s++)
                    {
                        for (var j = 0; j < context.Length; j++)
                        {
                            context[j] += alpha[s] * outputs[s][j];
                        }
                    }
                }

                double[] head = decoderH.Concat(context).ToArray();
                double[] row = new double[_classes];
                for (var k = 0; k < _classes; k++)
                {
                    double sum = _outputBias[k];
                    for (var j = 0; j < head.Length; j++)
                    {
                        sum += _outputWeight[(k * head.Length) + j] * head[j];
                    }

                    row[k] = sum;
                }

                Array.Copy(row, 0, logits, ((t * batch) + b) * _classes, _classes);
                int target = targets[(b * targetLength) + t];
                if (target != ignoreIndex)
                {
                    double max = row.Max();
                    lossSum += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[target];
                    counted++;
                }
            }
        }

        return (logits, weights, counted == 0 ? 0 : lossSum / counted);
    }

    private double[] Attend(double[] query, double[][] keys)
    {
        int a = _attentionSize, q = query.Length, k = keys[0].Length;
        var scores = new double[keys.Length];
        for (var s = 0; s < keys.Length; s++)
        {
            double score = 0;
            for (var i = 0; i < a; i++)
            {
                double pre = _attentionBias![i];
                for (var j = 0; j < q; j++)
                {
                    pre += _queryWeight![(i * q) + j] * query[j];
                }

                for (var j = 0; j < k; j++)
                {
                    pre += _keyWeight![(i * k) + j] * keys[s][j];
                }

                score += _scoreWeight![i] * Math.Tanh(pre);
            }

            scores[s] = score;
        }

        double max = scores.Max();
        double[] e = scores.Select(v => Math.Exp(v - max)).ToArray();
        double total = e.Sum();
        return e.Select(v => v / total).ToArray();
    }

    private static double[] Row(double[] table, int token, int dimension) => table.AsSpan(token * dimension, dimension).ToArray();

    private static double[] Export(int length, Exporter export)
    {
        var tensor = new double[length];
        export(tensor);
        return tensor;
    }

    private sealed record LstmTensors(double[] WeightIh, double[] WeightHh, double[] BiasIh, double[] BiasHh, int Inputs, int Hidden)
    {
        public static LstmTensors From(ILstmNetwork<double> network, string suffix)
        {
            double[] Get(string name)
            {
                var t = new double[network.PyTorchParameterLength(name + "_l0" + suffix)];
                network.ExportPyTorch(name + "_l0" + suffix, t);
                return t;
            }

            return new(Get("weight_ih"), Get("weight_hh"), Get("bias_ih"), Get("bias_hh"), network.InputSize, network.HiddenSize);
        }

        public static LstmTensors From(ILstmCell<double> cell)
        {
            int h = cell.HiddenSize, i = cell.InputSize;
            var tensors = new LstmTensors(new double[4 * h * i], new double[4 * h * h], new double[4 * h], new double[4 * h], i, h);
            cell.ExportPyTorch(tensors.WeightIh, tensors.WeightHh, tensors.BiasIh, tensors.BiasHh);
            return tensors;
        }

        public (double[] H, double[] C) Step(double[] x, double[] h, double[] c)
        {
            var gates = new double[4 * Hidden];
            for (var r = 0; r < 4 * Hidden; r++)
            {
                double sum = BiasIh[r] + BiasHh[r];
                for (var k = 0; k < Inputs; k++)
                {
                    sum += WeightIh[(r * Inputs) + k] * x[k];
                }

                for (var k = 0; k < Hidden; k++)
                {
                    sum += WeightHh[(r * Hidden) + k] * h[k];
                }

                gates[r] = sum;
            }

            var newH = new double[Hidden];
            var newC = new double[Hidden];
            for (var j = 0; j < Hidden; j++)
            {
                double i = Sigmoid(gates[j]), f = Sigmoid(gates[Hidden + j]), g = Math.Tanh(gates[(2 * Hidden) + j]), o = Sigmoid(gates[(3 * Hidden) + j]);
                newC[j] = (f * c[j]) + (i * g);
                newH[j] = o * Math.Tanh(newC[j]);
            }

            return (newH, newC);
        }

        private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    }
}
