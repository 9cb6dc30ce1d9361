using System;

namespace Simd;

/// <summary>
/// Generates a shape-specialized vanilla RNN cell (PyTorch <c>nn.RNN</c> semantics:
/// h' = act(W_ih x + b_ih + W_hh h + b_hh)) into the annotated <c>partial</c> class, with the same members as an
/// LSTM cell except the cell state: inference steps, a taped sequence forward, backward through time, seeded
/// initialisation and PyTorch-layout import and export.
/// </summary>
/// <remarks>Bad arguments are reported at compile time with <c>SIMD</c> diagnostics, as for <see cref="LstmCellAttribute"/>.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RnnCellAttribute : Attribute
{
    /// <summary>Declares an RNN cell with the given input and hidden sizes.</summary>
    /// <param name="inputSize">Length of each input vector x_t; at least 1.</param>
    /// <param name="hiddenSize">Length of the hidden state; at least 1.</param>
    public RnnCellAttribute(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Length of each input vector.</summary>
    public int InputSize { get; }

    /// <summary>Length of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>The nonlinearity (PyTorch's <c>nonlinearity</c> argument); tanh by default.</summary>
    public RnnNonlinearity Nonlinearity { get; set; } = RnnNonlinearity.Tanh;

    /// <summary>
    /// Stacked layers (PyTorch's <c>num_layers</c>): layer k &gt; 0 takes layer k−1's output as its input. With more
    /// than one layer, or <c>Bidirectional</c>, the class is a network of generated layer cells with one parameter
    /// array, a sequence <c>Forward</c>/<c>Backward</c>, and PyTorch's per-layer tensor names for import and export.
    /// </summary>
    public int Layers { get; set; } = 1;

    /// <summary>
    /// Runs a second, reverse-direction cell per layer over the time-reversed sequence and concatenates both
    /// directions' outputs (PyTorch's <c>bidirectional</c>; reverse tensors carry the <c>_reverse</c> suffix).
    /// </summary>
    public bool Bidirectional { get; set; }

    /// <summary>Element type: <see cref="float"/> (the default) or <see cref="double"/>.</summary>
    public Type ElementType { get; set; } = typeof(float);

    /// <summary>
    /// Deterministic mode: forward and backward give bit-identical results on the Vector512, Vector256, Vector128 and
    /// scalar paths, so on any x64 or Arm64 CPU: every multiply-add is fused, every sum runs in one fixed order and the
    /// activations use the same polynomial on every path. It costs some speed (measured in the README); the default
    /// (false) lets each path keep its fastest order, and paths then differ by a few ulp.
    /// </summary>
    public bool Deterministic { get; set; }
}

/// <summary>The nonlinearity of an <see cref="RnnCellAttribute"/> cell.</summary>
public enum RnnNonlinearity
{
    /// <summary>h' = tanh(pre-activation), PyTorch's default.</summary>
    Tanh = 0,

    /// <summary>h' = max(0, pre-activation).</summary>
    Relu = 1,
}
