using System;
using System.Numerics;

namespace Simd.Training;

/// <summary>
/// Stochastic gradient descent as <c>torch.optim.SGD</c> (dampening 0): g = ∇ + λθ; with momentum μ,
/// b = μ b + g (b starts at 0, so the first b is g) and g = b, or g + μ b with Nesterov; then θ = θ − η g.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Sgd<T> : Optimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer and, with momentum, one velocity buffer per module.</summary>
    /// <param name="parameters">The modules and gradients to update.</param>
    /// <param name="learningRate">η, at least 0.</param>
    /// <param name="momentum">μ in [0, 1); 0 (default) for plain SGD.</param>
    /// <param name="nesterov">Nesterov momentum; needs μ &gt; 0.</param>
    /// <param name="weightDecay">λ ≥ 0, L2 penalty added to the gradient.</param>
    public Sgd(ParameterSet<T> parameters, T learningRate, T momentum = default, bool nesterov = false, T weightDecay = default)
        : base(parameters, learningRate)
    {
        throw new NotImplementedException();
    }

    /// <inheritdoc />
    public override void Step() => throw new NotImplementedException();
}
