using System;

namespace Simd;

/// <summary>
/// Anything with trainable parameters: generated cells, networks, attention cells and layers. Training code
/// (<see cref="Training.ParameterSet{T}"/> and the optimizers) sees modules only through this interface.
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IParameterized<T>
    where T : unmanaged
{
    /// <summary>The parameters, in the module's own layout; every parameter-gradient span of the module uses the same layout.</summary>
    Span<T> Parameters { get; }

    /// <summary>Number of parameters: the length of <see cref="Parameters"/>.</summary>
    int ParameterCount { get; }
}
