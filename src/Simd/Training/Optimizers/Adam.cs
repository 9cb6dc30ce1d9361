using System.Numerics;

namespace Simd.Training;

/// <summary>
/// Adam as <c>torch.optim.Adam</c> (without amsgrad): g = ∇ + λθ (L2 added to the gradient),
/// m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², θ = θ − η (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Adam<T> : AdaptiveMomentOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer with PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay.</summary>
    /// <param name="parameters">The modules and gradients to update.</param>
    /// <param name="learningRate">η, at least 0.</param>
    public Adam(ParameterSet<T> parameters, T learningRate)
        : this(parameters, learningRate, T.CreateChecked(0.9), T.CreateChecked(0.999), T.CreateChecked(1e-8))
    {
    }

    /// <summary>Creates the optimizer and its two moment buffers per module.</summary>
    /// <param name="parameters">The modules and gradients to update.</param>
    /// <param name="learningRate">η, at least 0.</param>
    /// <param name="beta1">β₁ in [0, 1) (PyTorch: 0.9).</param>
    /// <param name="beta2">β₂ in [0, 1) (PyTorch: 0.999).</param>
    /// <param name="epsilon">ε &gt; 0 (PyTorch: 1e-8).</param>
    /// <param name="weightDecay">λ ≥ 0, L2 penalty added to the gradient.</param>
    public Adam(ParameterSet<T> parameters, T learningRate, T beta1, T beta2, T epsilon, T weightDecay = default)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: false)
    {
    }
}
