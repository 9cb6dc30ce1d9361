using System;
using System.Numerics;

namespace Simd.Training;

/// <summary>
/// Updates the parameters of a <see cref="ParameterSet{T}"/> from its gradient buffers. Optimizer state (momentum,
/// moment estimates) is allocated once in the constructor for the modules the set holds at that time; <see cref="Step"/>
/// allocates nothing.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public abstract class Optimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T _learningRate;

    /// <summary>Binds the optimizer to <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The modules and gradients to update; modules added later are not updated.</param>
    /// <param name="learningRate">The step size, at least 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    protected Optimizer(ParameterSet<T> parameters, T learningRate)
    {
        Guard.NotNull(parameters, nameof(parameters));
        Parameters = parameters;

        // Checked here rather than through the LearningRate setter, so the exception names this parameter.
        RequireNonNegative(learningRate, nameof(learningRate));
        _learningRate = learningRate;
        ModuleCount = parameters.Count;
    }

    /// <summary>The step size; may be changed between steps (learning-rate schedules).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public T LearningRate
    {
        get => _learningRate;
        set
        {
            RequireNonNegative(value, nameof(LearningRate));
            _learningRate = value;
        }
    }

    /// <summary>The set this optimizer updates.</summary>
    protected ParameterSet<T> Parameters { get; }

    /// <summary>Number of modules the optimizer's state covers (those in the set when it was constructed).</summary>
    protected int ModuleCount { get; }

    /// <summary>Applies one update to every parameter from the current gradients (the gradients are not changed).</summary>
    public abstract void Step();

    /// <summary>Throws unless <paramref name="value"/> is finite and at least 0.</summary>
    /// <param name="value">The hyperparameter.</param>
    /// <param name="argumentName">Its name, for the message.</param>
    protected static void RequireNonNegative(T value, string argumentName)
    {
        if (!T.IsFinite(value) || value < T.Zero)
        {
            throw new ArgumentOutOfRangeException(argumentName, value, $"'{argumentName}' must be finite and at least 0; got {value}.");
        }
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> &lt; 1.</summary>
    /// <param name="value">The hyperparameter.</param>
    /// <param name="argumentName">Its name, for the message.</param>
    protected static void RequireUnitInterval(T value, string argumentName)
    {
        if (!(value >= T.Zero && value < T.One))
        {
            throw new ArgumentOutOfRangeException(argumentName, value, $"'{argumentName}' must be in [0, 1); got {value}.");
        }
    }
}
