namespace Simd.Generators.Emit;

/// <summary>
/// Where each vanilla RNN parameter lives in Simd's flat parameter array. The weights are stored transposed: row k
/// (k = 0..I+H−1, inputs first, then the hidden state) holds column k of <c>[weight_ih | weight_hh]</c> for all H
/// hidden units side by side, so a step streams the weights once, front to back, and every load is a contiguous
/// vector of hidden units. <c>bias_ih</c> and <c>bias_hh</c> follow, each H long in unit order.
/// </summary>
internal sealed class RnnLayout
{
    public RnnLayout(int inputSize, int hiddenSize)
    {
        I = inputSize;
        H = hiddenSize;
        K = I + H;
        BiasIhOffset = (long)K * H;
        BiasHhOffset = BiasIhOffset + H;
        ParameterCount = BiasHhOffset + H;
    }

    public int I { get; }

    public int H { get; }

    /// <summary>Inputs to each hidden unit: I + H.</summary>
    public int K { get; }

    /// <summary>Weights: K·H, so the biases start here.</summary>
    public long BiasIhOffset { get; }

    public long BiasHhOffset { get; }

    public long ParameterCount { get; }
}
