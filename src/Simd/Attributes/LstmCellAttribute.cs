using System;

namespace Simd;

/// <summary>
/// Generates a shape-specialized LSTM cell (PyTorch <c>nn.LSTMCell</c> semantics, gate order i, f, g, o)
/// into the annotated <c>partial</c> class: inference steps, a taped sequence forward, backward through time,
/// seeded initialisation and PyTorch-layout import and export, all for exactly the given sizes.
/// </summary>
/// <remarks>
/// The class must be a non-generic <c>partial</c> class that is not nested in a generic type.
/// Bad arguments are reported at compile time with diagnostics <c>SIMD0001</c>–<c>SIMD0007</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LstmCellAttribute : Attribute
{
    /// <summary>Declares an LSTM cell with the given input and hidden sizes.</summary>
    /// <param name="inputSize">Length of each input vector x_t; at least 1.</param>
    /// <param name="hiddenSize">Length of the hidden and cell state vectors; at least 1.</param>
    public LstmCellAttribute(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Length of each input vector.</summary>
    public int InputSize { get; }

    /// <summary>Length of the hidden and cell state vectors.</summary>
    public int HiddenSize { get; }

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

    /// <summary>
    /// Projection size (PyTorch's <c>proj_size</c>): when positive, the hidden state is projected,
    /// h_t = W_hr (o_t ⊙ tanh c_t) with W_hr of shape [ProjectionSize, HiddenSize], so h has ProjectionSize elements and
    /// <c>weight_hh</c> is [4·HiddenSize, ProjectionSize]. 0 (the default) means no projection; must be below HiddenSize.
    /// </summary>
    public int ProjectionSize { get; set; }

    /// <summary>
    /// Element type of parameters, states and inputs: <see cref="float"/> (the default) or <see cref="double"/>
    /// (slower; meant for gradient checks and reference work).
    /// </summary>
    public Type ElementType { get; set; } = typeof(float);

    /// <summary>
    /// Deterministic mode: forward and backward give bit-identical results on the Vector512, Vector256, Vector128 and
    /// scalar paths, so on any x64 or Arm64 CPU: every multiply-add is fused, every sum runs in one fixed order and the
    /// activations use the same polynomial on every path. It costs some speed (measured in the README); the default
    /// (false) lets each path keep its fastest order, and paths then differ by a few ulp.
    /// </summary>
    public bool Deterministic { get; set; }

    /// <summary>
    /// Format of the weights read by the inference paths (<c>Step</c>, <c>StepBatch</c>, and <c>Forward</c> without a
    /// tape). <see cref="WeightFormat.BFloat16"/> halves the bytes a step reads; the generated class then keeps a
    /// bfloat16 copy of the weights, refreshed by <c>ImportPyTorch</c>, <c>InitializeParameters</c> and
    /// <c>RefreshInferenceWeights</c> (call it after changing <c>Parameters</c> directly, for example after an
    /// optimizer step). Float cells only.
    /// </summary>
    public WeightFormat InferenceWeights { get; set; } = WeightFormat.Float32;
}
