using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Simd.Training;

/// <summary>
/// Stochastic gradient descent as <c>torch.optim.SGD</c> (dampening 0): g = ∇ + λθ; with momentum μ,
/// b = μ b + g (b starts at 0, so the first b is g, as PyTorch's first step sets it) and g = b, or g + μ b with
/// Nesterov; then θ = θ − η g.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Sgd<T> : Optimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _momentum;
    private readonly bool _nesterov;
    private readonly T _weightDecay;
    private readonly T[][] _velocity;

    /// <summary>Creates the optimizer and, with momentum, one velocity buffer per module.</summary>
    /// <param name="parameters">The modules and gradients to update.</param>
    /// <param name="learningRate">η, at least 0.</param>
    /// <param name="momentum">μ in [0, 1); 0 (default) for plain SGD.</param>
    /// <param name="nesterov">Nesterov momentum; needs μ &gt; 0.</param>
    /// <param name="weightDecay">λ ≥ 0, L2 penalty added to the gradient.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> without momentum.</exception>
    public Sgd(ParameterSet<T> parameters, T learningRate, T momentum = default, bool nesterov = false, T weightDecay = default)
        : base(parameters, learningRate)
    {
        RequireUnitInterval(momentum, nameof(momentum));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && momentum == T.Zero)
        {
            throw new ArgumentException($"'{nameof(nesterov)}' needs a positive momentum, as in PyTorch.", nameof(nesterov));
        }

        _momentum = momentum;
        _nesterov = nesterov;
        _weightDecay = weightDecay;
        _velocity = new T[ModuleCount][];
        for (var m = 0; m < ModuleCount; m++)
        {
            _velocity[m] = momentum == T.Zero ? [] : new T[parameters.Module(m).ParameterCount];
        }
    }

    /// <inheritdoc />
    public override void Step()
    {
        for (var m = 0; m < ModuleCount; m++)
        {
            var parameters = Parameters.Module(m).Parameters;
            var gradients = Parameters.Gradients(m);
            if (_momentum == T.Zero)
            {
                ParameterUpdate.Run(new Plain(LearningRate, _weightDecay), parameters, gradients, default, default);
            }
            else if (_nesterov)
            {
                ParameterUpdate.Run(new Momentum<Nesterov>(LearningRate, _momentum, _weightDecay), parameters, gradients, _velocity[m], default);
            }
            else
            {
                ParameterUpdate.Run(new Momentum<Heavy>(LearningRate, _momentum, _weightDecay), parameters, gradients, _velocity[m], default);
            }
        }
    }

    private interface IMomentumKind
    {
        static abstract bool IsNesterov { get; }
    }

    private readonly struct Heavy : IMomentumKind
    {
        public static bool IsNesterov => false;
    }

    private readonly struct Nesterov : IMomentumKind
    {
        public static bool IsNesterov => true;
    }

    /// <summary>θ − η(∇ + λθ).</summary>
    private readonly struct Plain(T learningRate, T weightDecay) : IParameterUpdate<T>
    {
        public static int States => 0;

        public T Apply(T parameter, T gradient, ref T first, ref T second) =>
            parameter - (learningRate * (gradient + (weightDecay * parameter)));

        public Vector128<T> Apply(Vector128<T> parameter, Vector128<T> gradient, ref Vector128<T> first, ref Vector128<T> second) =>
            parameter - (Vector128.Create(learningRate) * (gradient + (Vector128.Create(weightDecay) * parameter)));

        public Vector256<T> Apply(Vector256<T> parameter, Vector256<T> gradient, ref Vector256<T> first, ref Vector256<T> second) =>
            parameter - (Vector256.Create(learningRate) * (gradient + (Vector256.Create(weightDecay) * parameter)));

        public Vector512<T> Apply(Vector512<T> parameter, Vector512<T> gradient, ref Vector512<T> first, ref Vector512<T> second) =>
            parameter - (Vector512.Create(learningRate) * (gradient + (Vector512.Create(weightDecay) * parameter)));
    }

    /// <summary>g = ∇ + λθ, b = μb + g, θ − η·b (heavy ball) or θ − η(g + μb) (Nesterov).</summary>
    private readonly struct Momentum<TKind>(T learningRate, T momentum, T weightDecay) : IParameterUpdate<T>
        where TKind : struct, IMomentumKind
    {
        public static int States => 1;

        public T Apply(T parameter, T gradient, ref T first, ref T second)
        {
            var g = gradient + (weightDecay * parameter);
            first = (momentum * first) + g;
            return parameter - (learningRate * (TKind.IsNesterov ? g + (momentum * first) : first));
        }

        public Vector128<T> Apply(Vector128<T> parameter, Vector128<T> gradient, ref Vector128<T> first, ref Vector128<T> second)
        {
            var mu = Vector128.Create(momentum);
            var g = gradient + (Vector128.Create(weightDecay) * parameter);
            first = (mu * first) + g;
            return parameter - (Vector128.Create(learningRate) * (TKind.IsNesterov ? g + (mu * first) : first));
        }

        public Vector256<T> Apply(Vector256<T> parameter, Vector256<T> gradient, ref Vector256<T> first, ref Vector256<T> second)
        {
            var mu = Vector256.Create(momentum);
            var g = gradient + (Vector256.Create(weightDecay) * parameter);
            first = (mu * first) + g;
            return parameter - (Vector256.Create(learningRate) * (TKind.IsNesterov ? g + (mu * first) : first));
        }

        public Vector512<T> Apply(Vector512<T> parameter, Vector512<T> gradient, ref Vector512<T> first, ref Vector512<T> second)
        {
            var mu = Vector512.Create(momentum);
            var g = gradient + (Vector512.Create(weightDecay) * parameter);
            first = (mu * first) + g;
            return parameter - (Vector512.Create(learningRate) * (TKind.IsNesterov ? g + (mu * first) : first));
        }
    }
}
