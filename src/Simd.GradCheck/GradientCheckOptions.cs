using System;

namespace Simd.GradCheck;

/// <summary>
/// How a <see cref="GradientCheck"/> perturbs elements and when it accepts an analytic gradient.
/// </summary>
/// <remarks>
/// <para>Each checked element x gets the central difference
/// (L(x + ε) − L(x − ε)) / ((x + ε) − (x − ε)), the denominator being the step actually taken after rounding, and the
/// analytic value a passes when |a − n| ≤ <see cref="AbsoluteTolerance"/> + <see cref="RelativeTolerance"/> · |n|.</para>
/// <para>Why the defaults (ε = 1e-5, both tolerances 1e-6) fit a loss computed in double: the truncation error of a
/// central difference is about ε²/6 · |L'''|, 2e-11 for third derivatives of order 1 (smooth activations, softmax and
/// weights of order 1). Its rounding error is about δ·|L|/ε, where δ is the relative error of the computed loss: for
/// a double sum of n terms of mixed sign δ is typically √n·2⁻⁵³ (1e-14 for 10⁴ terms) and at worst n·2⁻⁵³ (1e-12),
/// so the rounding error is typically 1e-9·|L| and at worst 1e-7·|L|: under the absolute tolerance for |L| up to 10
/// even in the worst case, and up to about 1000 typically. A wrong or missing gradient term is typically 1e-3 or
/// larger, far above. A smaller ε (PyTorch's gradcheck uses 1e-6) trades truncation for rounding and suits losses with
/// large third derivatives; for much larger losses (long sequences, big batches) scale the loss weights down or raise
/// <see cref="AbsoluteTolerance"/> in proportion.</para>
/// </remarks>
public sealed record GradientCheckOptions
{
    /// <summary>The default options: ε = 1e-5, absolute and relative tolerance 1e-6, every element, seed 0.</summary>
    public static GradientCheckOptions Default { get; } = new();

    /// <summary>Half the central-difference step, added to and subtracted from each element. Default 1e-5.</summary>
    public double Epsilon { get; init; } = 1e-5;

    /// <summary>Absolute part of the tolerance. Default 1e-6.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-6;

    /// <summary>Part of the tolerance proportional to |numeric gradient|. Default 1e-6.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>
    /// How many elements of each segment to check, drawn without repetition with <see cref="Seed"/>; 0 (the default)
    /// checks every element. A segment with fewer elements is checked whole. Each checked element costs two loss
    /// evaluations, so big models want a sample.
    /// </summary>
    public int ElementsPerSegment { get; init; }

    /// <summary>Seed of the element sample, and of the random loss weights of the cell entry points in <see cref="CellGradientCheck"/>.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    internal void Validate(string argumentName)
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
        {
            throw new ArgumentOutOfRangeException(argumentName, Epsilon, $"'{argumentName}.{nameof(Epsilon)}' is {Epsilon}; expected a finite value above 0 (for example 1e-5).");
        }

        if (!(AbsoluteTolerance >= 0) || !(RelativeTolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(argumentName, $"'{argumentName}' has AbsoluteTolerance {AbsoluteTolerance} and RelativeTolerance {RelativeTolerance}; expected both ≥ 0.");
        }

        if (ElementsPerSegment < 0)
        {
            throw new ArgumentOutOfRangeException(argumentName, ElementsPerSegment, $"'{argumentName}.{nameof(ElementsPerSegment)}' is {ElementsPerSegment}; expected 0 (every element) or a positive count.");
        }
    }
}
