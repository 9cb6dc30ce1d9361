using System;
using System.Numerics;

namespace Simd.Training;

/// <summary>
/// What <see cref="Adam{T}"/> and <see cref="AdamW{T}"/> share: β₁, β₂, ε, two moment buffers per module allocated
/// once, the step count t of the bias corrections, and one vectorized update pass per module. They differ only in
/// where the weight decay λ goes (into the gradient, or decoupled onto θ).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public abstract class AdaptiveMomentOptimizer<T> : Optimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _beta1;
    private readonly T _beta2;
    private readonly T _epsilon;
    private readonly T _weightDecay;
    private readonly bool _decoupled;
    private readonly T[][] _firstMoments;
    private readonly T[][] _secondMoments;

    // private protected: only this library's Adam variants derive from it.
    private protected AdaptiveMomentOptimizer(ParameterSet<T> parameters, T learningRate, T beta1, T beta2, T epsilon, T weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        RequireUnitInterval(beta1, nameof(beta1));
        RequireUnitInterval(beta2, nameof(beta2));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        if (!(epsilon > T.Zero) || !T.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"'{nameof(epsilon)}' must be positive and finite; got {epsilon}.");
        }

        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _decoupled = decoupled;
        _firstMoments = new T[ModuleCount][];
        _secondMoments = new T[ModuleCount][];
        for (var m = 0; m < ModuleCount; m++)
        {
            _firstMoments[m] = new T[parameters.Module(m).ParameterCount];
            _secondMoments[m] = new T[parameters.Module(m).ParameterCount];
        }
    }

    /// <summary>Steps taken so far (t of the bias corrections).</summary>
    public long Steps { get; private set; }

    /// <inheritdoc />
    public override void Step()
    {
        Steps++;
        var rule = AdamRule<T>.Step(
            Steps, LearningRate, _beta1, _beta2, _epsilon,
            l2WeightDecay: _decoupled ? T.Zero : _weightDecay,
            decoupledWeightDecay: _decoupled ? _weightDecay : T.Zero);
        for (var m = 0; m < ModuleCount; m++)
        {
            ParameterUpdate.Run(rule, Parameters.Module(m).Parameters, Parameters.Gradients(m), _firstMoments[m], _secondMoments[m]);
        }
    }
}
