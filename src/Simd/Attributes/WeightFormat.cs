namespace Simd;

/// <summary>How a cell stores the weights its inference paths read.</summary>
public enum WeightFormat
{
    /// <summary>IEEE single precision: inference reads the same weights training updates.</summary>
    Float32 = 0,

    /// <summary>
    /// bfloat16 (the top 16 bits of a float, rounded to nearest even): half the bytes per step, so batch-1 steps,
    /// which are bound by reading the weights, run up to twice as fast. Arithmetic stays in float; each weight
    /// carries a relative rounding error of at most 2⁻⁸. Training paths keep using the float parameters.
    /// </summary>
    BFloat16 = 1,
}
