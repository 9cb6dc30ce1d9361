using System.Numerics;

namespace Simd.Training;

/// <summary>
/// AdamW as <c>torch.optim.AdamW</c>: θ = θ (1 − ηλ) (decoupled weight decay), then the <see cref="Adam{T}"/> update
/// without the L2 term.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class AdamW<T> : AdaptiveMomentOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer with PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01.</summary>
    /// <param name="parameters">The modules and gradients to update.</param>
    /// <param name="learningRate">η, at least 0.</param>
    public AdamW(ParameterSet<T> parameters, T learningRate)
        : this(parameters, learningRate, T.CreateChecked(0.9), T.CreateChecked(0.999), T.CreateChecked(1e-8), T.CreateChecked(0.01))
    {
    }

    /// <summary>Creates the optimizer and its two moment buffers per module.</summary>
    /// <param name="parameters">The modules and gradients to update.</param>
    /// <param name="learningRate">η, at least 0.</param>
    /// <param name="beta1">β₁ in [0, 1) (PyTorch: 0.9).</param>
    /// <param name="beta2">β₂ in [0, 1) (PyTorch: 0.999).</param>
    /// <param name="epsilon">ε &gt; 0 (PyTorch: 1e-8).</param>
    /// <param name="weightDecay">λ ≥ 0, decoupled (PyTorch's AdamW default: 0.01).</param>
    public AdamW(ParameterSet<T> parameters, T learningRate, T beta1, T beta2, T epsilon, T weightDecay)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true)
    {
    }
}
