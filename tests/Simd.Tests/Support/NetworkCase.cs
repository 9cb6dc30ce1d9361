using System;
using System.Collections.Generic;
using System.Linq;

namespace Simd.Tests.Support;

/// <summary>Which cell a layered network is made of, with the options its reference needs.</summary>
internal enum NetworkKind
{
    Lstm,
    GruResetAfter,
    GruResetBefore,
    RnnTanh,
    RnnRelu,
}

/// <summary>
/// A random layered-network problem in double: PyTorch tensors for every layer and direction (by PyTorch name), a
/// sequence batch, initial states and output gradients; plus the reference forward pass composed from the scalar
/// reference cells exactly as PyTorch's <c>nn.LSTM</c> / <c>nn.GRU</c> / <c>nn.RNN</c> document it.
/// </summary>
internal sealed class NetworkCase
{
    public NetworkCase(NetworkKind kind, IRecurrentNetwork<double> shape, int steps, int batch, int seed)
        : this(kind, shape.InputSize, shape.HiddenSize, shape.StateSize, shape.Layers, shape.Directions, steps, batch, seed)
    {
    }

    public NetworkCase(NetworkKind kind, IRecurrentNetwork<float> shape, int steps, int batch, int seed)
        : this(kind, shape.InputSize, shape.HiddenSize, shape.StateSize, shape.Layers, shape.Directions, steps, batch, seed)
    {
    }

    private NetworkCase(NetworkKind kind, int inputSize, int hiddenSize, int stateSize, int layers, int directions, int steps, int batch, int seed)
    {
        var random = new Random(seed);
        Kind = kind;
        S = stateSize;
        Gates = kind switch { NetworkKind.Lstm => 4, NetworkKind.RnnTanh or NetworkKind.RnnRelu => 1, _ => 3 };
        I = inputSize;
        H = hiddenSize;
        Layers = layers;
        Directions = directions;
        Steps = steps;
        Batch = batch;

        // PyTorch's scale 1/√H, times 0.3, 1 or 3 so gates run from linear to saturated (ReLU: 0.3 or 1, since at 3
        // the state can grow without bound over the steps).
        var gains = kind == NetworkKind.RnnRelu ? new[] { 0.3, 1.0 } : new[] { 0.3, 1.0, 3.0 };
        var scale = gains[random.Next(gains.Length)] / Math.Sqrt(H);
        for (var l = 0; l < layers; l++)
        {
            for (var d = 0; d < directions; d++)
            {
                var suffix = $"_l{l}{(d == 1 ? "_reverse" : string.Empty)}";
                Tensors["weight_ih" + suffix] = Uniform(random, Gates * H * LayerInput(l), scale);
                Tensors["weight_hh" + suffix] = Uniform(random, Gates * H * S, scale);
                Tensors["bias_ih" + suffix] = Uniform(random, Gates * H, scale);
                Tensors["bias_hh" + suffix] = Uniform(random, Gates * H, scale);
                if (Projected)
                {
                    Tensors["weight_hr" + suffix] = Uniform(random, S * H, scale);
                }
            }
        }

        Inputs = Uniform(random, steps * batch * I, 1.5);
        Hidden0 = Uniform(random, layers * directions * batch * S, 1);
        Cell0 = Uniform(random, layers * directions * batch * H, 2);
        OutputGradients = Uniform(random, steps * batch * directions * S, 1);
        FinalHiddenGradient = Uniform(random, Hidden0.Length, 1);
        FinalCellGradient = Uniform(random, Cell0.Length, 1);
    }

    public NetworkKind Kind { get; }

    /// <summary>Gate blocks per weight matrix: 4 (LSTM), 3 (GRU) or 1 (RNN).</summary>
    public int Gates { get; }

    public bool HasCellState => Kind == NetworkKind.Lstm;

    public int I { get; }

    /// <summary>State size per layer and direction: H, or the LSTM's projection size.</summary>
    public int S { get; }

    public bool Projected => S != H;

    public int H { get; }

    public int Layers { get; }

    public int Directions { get; }

    public int Steps { get; }

    public int Batch { get; }

    public int OutputSize => Directions * S;

    public Dictionary<string, double[]> Tensors { get; } = new();

    public double[] Inputs { get; }

    public double[] Hidden0 { get; }

    public double[] Cell0 { get; }

    public double[] OutputGradients { get; }

    public double[] FinalHiddenGradient { get; }

    public double[] FinalCellGradient { get; }

    public int LayerInput(int layer) => layer == 0 ? I : OutputSize;

    public void Load(IRecurrentNetwork<double> network)
    {
        foreach (var (name, values) in Tensors)
        {
            network.ImportPyTorch(name, values);
        }
    }

    public void Load(IRecurrentNetwork<float> network)
    {
        foreach (var (name, values) in Tensors)
        {
            network.ImportPyTorch(name, LstmCase.ToFloat(values));
        }
    }

    /// <summary>
    /// The reference: layer by layer, the forward direction over x_0..x_{T−1}, the reverse one over x_{T−1}..x_0,
    /// outputs concatenated per step (forward first); h_T, c_T per layer and direction in PyTorch's [L·D, B, H] order.
    /// </summary>
    public double[] Reference(double[] inputs, double[] h0, double[] c0, out double[] finalH, out double[] finalC)
    {
        finalH = (double[])h0.Clone();
        finalC = (double[])c0.Clone();
        var layerIn = inputs;
        for (var l = 0; l < Layers; l++)
        {
            var inSize = LayerInput(l);
            var layerOut = new double[Steps * Batch * OutputSize];
            for (var d = 0; d < Directions; d++)
            {
                var suffix = $"_l{l}{(d == 1 ? "_reverse" : string.Empty)}";
                var sequence = d == 0 ? layerIn : ReverseSteps(layerIn, Batch * inSize);
                var hSlice = finalH.AsSpan(((l * Directions) + d) * Batch * S, Batch * S);
                var cSlice = finalC.AsSpan(((l * Directions) + d) * Batch * H, Batch * H);
                var outputs = CellForward(inSize, suffix, sequence, hSlice, cSlice);
                for (var t = 0; t < Steps; t++)
                {
                    var target = d == 0 ? t : Steps - 1 - t;
                    for (var b = 0; b < Batch; b++)
                    {
                        Array.Copy(outputs, ((t * Batch) + b) * S, layerOut, (((target * Batch) + b) * OutputSize) + (d * S), S);
                    }
                }
            }

            layerIn = layerOut;
        }

        return layerIn;
    }

    /// <summary>One layer-direction's cell over the whole sequence; h (and c) are updated to the final state.</summary>
    private double[] CellForward(int inSize, string suffix, double[] sequence, Span<double> h, Span<double> c)
    {
        double[] wih = Tensors["weight_ih" + suffix], whh = Tensors["weight_hh" + suffix], bih = Tensors["bias_ih" + suffix], bhh = Tensors["bias_hh" + suffix];
        if (Kind == NetworkKind.Lstm)
        {
            return Projected
                ? new LstmProjectionReference(inSize, H, S, wih, whh, bih, bhh, Tensors["weight_hr" + suffix]).Forward(Steps, Batch, sequence, h, c)
                : new LstmReference(inSize, H, wih, whh, bih, bhh).Forward(Steps, Batch, sequence, h, c);
        }

        var state = h.ToArray();
        var outputs = Kind switch
        {
            NetworkKind.GruResetAfter or NetworkKind.GruResetBefore =>
                new GruReference(inSize, H, Kind == NetworkKind.GruResetBefore, wih, whh, bih, bhh).Forward(Steps, Batch, sequence, state),
            _ => RnnForward(inSize, wih, whh, bih, bhh, sequence, state),
        };
        state.CopyTo(h);
        return outputs;
    }

    /// <summary>The vanilla RNN, written from PyTorch's equation h' = act(W_ih x + b_ih + W_hh h + b_hh).</summary>
    private double[] RnnForward(int inSize, double[] wih, double[] whh, double[] bih, double[] bhh, double[] sequence, double[] h)
    {
        var outputs = new double[Steps * Batch * H];
        var next = new double[H];
        for (var t = 0; t < Steps; t++)
        {
            for (var b = 0; b < Batch; b++)
            {
                for (var j = 0; j < H; j++)
                {
                    var sum = bih[j] + bhh[j];
                    for (var k = 0; k < inSize; k++)
                    {
                        sum += wih[(j * inSize) + k] * sequence[(((t * Batch) + b) * inSize) + k];
                    }

                    for (var k = 0; k < H; k++)
                    {
                        sum += whh[(j * H) + k] * h[(b * H) + k];
                    }

                    next[j] = Kind == NetworkKind.RnnRelu ? Math.Max(0, sum) : Math.Tanh(sum);
                }

                next.CopyTo(h, b * H);
                next.CopyTo(outputs, ((t * Batch) + b) * H);
            }
        }

        return outputs;
    }

    /// <summary>
    /// Largest row sum of |W_ih| over all layers above the first: how much an error in a layer's input can grow in its
    /// pre-activations (sigmoid and tanh are 1-Lipschitz, so it bounds the growth into the layer's outputs per step).
    /// </summary>
    public double InnerInputGain()
    {
        var worst = 1.0;
        for (var l = 1; l < Layers; l++)
        {
            for (var d = 0; d < Directions; d++)
            {
                var w = Tensors[$"weight_ih_l{l}{(d == 1 ? "_reverse" : string.Empty)}"];
                var n = LayerInput(l);
                for (var row = 0; row < Gates * H; row++)
                {
                    worst = Math.Max(worst, w.Skip(row * n).Take(n).Sum(Math.Abs));
                }
            }
        }

        return worst;
    }

    public override string ToString() => $"I={I} H={H} L={Layers} D={Directions} T={Steps} B={Batch}";

    private double[] ReverseSteps(double[] values, int stepLength)
    {
        var result = new double[values.Length];
        for (var t = 0; t < Steps; t++)
        {
            Array.Copy(values, t * stepLength, result, (Steps - 1 - t) * stepLength, stepLength);
        }

        return result;
    }

    private static double[] Uniform(Random random, int count, double bound) =>
        Enumerable.Range(0, count).Select(_ => ((2 * random.NextDouble()) - 1) * bound).ToArray();
}
