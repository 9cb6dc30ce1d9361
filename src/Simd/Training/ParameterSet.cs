using System;
using System.Collections.Generic;
using System.Numerics;
using Simd.Kernels;

namespace Simd.Training;

/// <summary>
/// The modules a model trains, each with one gradient buffer (allocated once, when the module is added, in the layout
/// of its <see cref="IParameterized{T}.Parameters"/>). Backward passes add into <see cref="Gradients(IParameterized{T})"/>; optimizers
/// read them. Zeroing, the global norm and clipping allocate nothing.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ParameterSet<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Entry> _entries = new();

    /// <summary>Number of modules added.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds a module and allocates its gradient buffer (zeroed).</summary>
    /// <param name="name">A name unique in this set, for messages and checkpoints.</param>
    /// <param name="module">The module; each module may be added once.</param>
    /// <returns>This set, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="module"/> is null.</exception>
    /// <exception cref="ArgumentException">The name or the module is already in the set, or the module's
    /// <see cref="IParameterized{T}.Parameters"/> is not <see cref="IParameterized{T}.ParameterCount"/> long.</exception>
    public ParameterSet<T> Add(string name, IParameterized<T> module)
    {
        Guard.NotNull(name, nameof(name));
        Guard.NotNull(module, nameof(module));
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{nameof(name)}' \"{name}\" is already used in this parameter set; give each module its own name.", nameof(name));
            }

            if (ReferenceEquals(entry.Module, module))
            {
                throw new ArgumentException($"'{nameof(module)}' is already in this parameter set as \"{entry.Name}\"; add each module once.", nameof(module));
            }
        }

        Guard.Length(module.Parameters.Length, module.ParameterCount, nameof(module), "the module's ParameterCount");
        _entries.Add(new Entry(name, module, new T[module.ParameterCount]));
        return this;
    }

    /// <summary>The name the module at <paramref name="index"/> was added with.</summary>
    /// <param name="index">0 … <see cref="Count"/> − 1, in the order of <see cref="Add"/>.</param>
    /// <returns>Its name.</returns>
    public string Name(int index) => _entries[index].Name;

    /// <summary>The module at <paramref name="index"/>.</summary>
    /// <param name="index">0 … <see cref="Count"/> − 1, in the order of <see cref="Add"/>.</param>
    /// <returns>The module.</returns>
    public IParameterized<T> Module(int index) => _entries[index].Module;

    /// <summary>The gradient buffer of the module at <paramref name="index"/>.</summary>
    /// <param name="index">0 … <see cref="Count"/> − 1, in the order of <see cref="Add"/>.</param>
    /// <returns>Its gradients, ParameterCount long.</returns>
    public Span<T> Gradients(int index) => _entries[index].Gradients;

    /// <summary>The gradient buffer of <paramref name="module"/>, in the layout of its parameters.</summary>
    /// <param name="module">A module of this set.</param>
    /// <returns>Its gradients, ParameterCount long.</returns>
    /// <exception cref="ArgumentException"><paramref name="module"/> is not in this set.</exception>
    public Span<T> Gradients(IParameterized<T> module)
    {
        // A linear scan: models have a handful of modules, and it allocates nothing.
        foreach (var entry in _entries)
        {
            if (ReferenceEquals(entry.Module, module))
            {
                return entry.Gradients;
            }
        }

        throw new ArgumentException($"'{nameof(module)}' is not in this parameter set; Add it first.", nameof(module));
    }

    /// <summary>Whether <paramref name="module"/> has been added to this set.</summary>
    /// <param name="module">A module.</param>
    /// <returns>True when <see cref="Gradients(IParameterized{T})"/> would find it.</returns>
    internal bool Contains(IParameterized<T> module)
    {
        foreach (var entry in _entries)
        {
            if (ReferenceEquals(entry.Module, module))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets every gradient to 0 (before accumulating a new batch).</summary>
    public void ZeroGradients()
    {
        foreach (var entry in _entries)
        {
            Array.Clear(entry.Gradients);
        }
    }

    /// <summary>The L2 norm of all gradients taken as one vector: √(Σ over modules Σ g²).</summary>
    /// <returns>The norm; 0 for an empty set. Infinite or NaN gradients give an infinite or NaN norm.</returns>
    public T GradientNorm()
    {
        var sum = T.Zero;
        foreach (var entry in _entries)
        {
            sum += AttentionMath.Dot<T>(entry.Gradients, entry.Gradients);
        }

        return T.Sqrt(sum);
    }

    /// <summary>
    /// Scales all gradients by <paramref name="maxNorm"/> / (norm + 1e-6) when that factor is below 1, as PyTorch's
    /// <c>clip_grad_norm_</c> does, so the global norm ends at (just under) <paramref name="maxNorm"/>.
    /// A NaN norm leaves the gradients unchanged (and is returned, so the caller can skip the step).
    /// </summary>
    /// <param name="maxNorm">The largest global norm allowed; positive and finite.</param>
    /// <returns>The global norm before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public T ClipGradientsByGlobalNorm(T maxNorm)
    {
        if (!(maxNorm > T.Zero) || !T.IsFinite(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"'{nameof(maxNorm)}' must be positive and finite; got {maxNorm}.");
        }

        var norm = GradientNorm();
        var factor = maxNorm / (norm + T.CreateChecked(1e-6));
        if (factor < T.One)
        {
            foreach (var entry in _entries)
            {
                AttentionMath.Scale<T>(entry.Gradients, factor);
            }
        }

        return norm;
    }

    private sealed record Entry(string Name, IParameterized<T> Module, T[] Gradients);
}
