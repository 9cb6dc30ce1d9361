using System.Numerics;
using System.Runtime.Intrinsics;

namespace Simd.Training;

/// <summary>
/// The Adam element rule in PyTorch's arithmetic order: g = ∇ + λ_L2·θ; m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²;
/// θ = θ·(1 − ηλ_decoupled) − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε). Adam uses only the L2 term, AdamW only the
/// decoupled one; <see cref="Step"/> folds the bias corrections of step t into two scalars.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly struct AdamRule<T> : IParameterUpdate<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _beta1;
    private readonly T _beta2;
    private readonly T _epsilon;
    private readonly T _l2;
    private readonly T _decay;
    private readonly T _stepSize;
    private readonly T _inverseSqrtCorrection2;

    private AdamRule(T beta1, T beta2, T epsilon, T l2, T decay, T stepSize, T inverseSqrtCorrection2)
    {
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _l2 = l2;
        _decay = decay;
        _stepSize = stepSize;
        _inverseSqrtCorrection2 = inverseSqrtCorrection2;
    }

    public static int States => 2;

    /// <summary>The rule for step <paramref name="step"/> (1 for the first).</summary>
    public static AdamRule<T> Step(long step, T learningRate, T beta1, T beta2, T epsilon, T l2WeightDecay, T decoupledWeightDecay)
    {
        var t = T.CreateChecked(step);
        var correction1 = T.One - T.Pow(beta1, t);
        var correction2 = T.One - T.Pow(beta2, t);
        return new AdamRule<T>(beta1, beta2, epsilon, l2WeightDecay, T.One - (learningRate * decoupledWeightDecay), learningRate / correction1, T.One / T.Sqrt(correction2));
    }

    public T Apply(T parameter, T gradient, ref T first, ref T second)
    {
        var g = gradient + (_l2 * parameter);
        first = (_beta1 * first) + ((T.One - _beta1) * g);
        second = (_beta2 * second) + ((T.One - _beta2) * g * g);
        var denominator = (T.Sqrt(second) * _inverseSqrtCorrection2) + _epsilon;
        return (parameter * _decay) - (_stepSize * (first / denominator));
    }

    public Vector128<T> Apply(Vector128<T> parameter, Vector128<T> gradient, ref Vector128<T> first, ref Vector128<T> second)
    {
        var g = gradient + (Vector128.Create(_l2) * parameter);
        first = (Vector128.Create(_beta1) * first) + (Vector128.Create(T.One - _beta1) * g);
        second = (Vector128.Create(_beta2) * second) + (Vector128.Create(T.One - _beta2) * g * g);
        var denominator = (Vector128.Sqrt(second) * Vector128.Create(_inverseSqrtCorrection2)) + Vector128.Create(_epsilon);
        return (parameter * Vector128.Create(_decay)) - (Vector128.Create(_stepSize) * (first / denominator));
    }

    public Vector256<T> Apply(Vector256<T> parameter, Vector256<T> gradient, ref Vector256<T> first, ref Vector256<T> second)
    {
        var g = gradient + (Vector256.Create(_l2) * parameter);
        first = (Vector256.Create(_beta1) * first) + (Vector256.Create(T.One - _beta1) * g);
        second = (Vector256.Create(_beta2) * second) + (Vector256.Create(T.One - _beta2) * g * g);
        var denominator = (Vector256.Sqrt(second) * Vector256.Create(_inverseSqrtCorrection2)) + Vector256.Create(_epsilon);
        return (parameter * Vector256.Create(_decay)) - (Vector256.Create(_stepSize) * (first / denominator));
    }

    public Vector512<T> Apply(Vector512<T> parameter, Vector512<T> gradient, ref Vector512<T> first, ref Vector512<T> second)
    {
        var g = gradient + (Vector512.Create(_l2) * parameter);
        first = (Vector512.Create(_beta1) * first) + (Vector512.Create(T.One - _beta1) * g);
        second = (Vector512.Create(_beta2) * second) + (Vector512.Create(T.One - _beta2) * g * g);
        var denominator = (Vector512.Sqrt(second) * Vector512.Create(_inverseSqrtCorrection2)) + Vector512.Create(_epsilon);
        return (parameter * Vector512.Create(_decay)) - (Vector512.Create(_stepSize) * (first / denominator));
    }
}
