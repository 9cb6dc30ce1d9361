using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Simd.GradCheck;

/// <summary>One checked element: where it is, both gradients and how far apart they are.</summary>
/// <param name="Segment">The segment's name, for example <c>weight_hh_l0</c> or <c>inputs</c>.</param>
/// <param name="Index">Flat index within the segment (row-major when the segment has a shape).</param>
/// <param name="Position">The multi-dimensional index when the segment has a shape; otherwise a single element equal to <paramref name="Index"/>.</param>
/// <param name="Analytic">The analytic gradient.</param>
/// <param name="Numeric">The central finite difference.</param>
/// <param name="Error">|Analytic − Numeric|; positive infinity when either is NaN or infinite.</param>
/// <param name="Tolerance">The allowed error: AbsoluteTolerance + RelativeTolerance · |Numeric|.</param>
public sealed record GradientCheckElement(string Segment, int Index, IReadOnlyList<int> Position, double Analytic, double Numeric, double Error, double Tolerance)
{
    /// <summary>Whether the error is within the tolerance.</summary>
    public bool Passed => Error <= Tolerance;

    /// <summary>Error divided by tolerance: at most 1 for a passing element.</summary>
    public double Ratio => Tolerance > 0 ? Error / Tolerance : (Error == 0 ? 0 : double.PositiveInfinity);

    /// <summary>The element's name with its index, for example <c>weight_hh_l0[3, 7]</c>.</summary>
    public string Location =>
        Position.Count > 1
            ? string.Create(CultureInfo.InvariantCulture, $"{Segment}[{string.Join(", ", Position)}] (flat {Index})")
            : string.Create(CultureInfo.InvariantCulture, $"{Segment}[{Index}]");

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Location}: analytic {Analytic:R}, numeric {Numeric:R}, error {Error:E3} (tolerance {Tolerance:E3})");
}

/// <summary>The outcome of a <see cref="GradientCheck"/>: whether every checked element passed, and the worst one.</summary>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(double loss, int segments, int checkedElements, int failedElements, GradientCheckElement? worst, IReadOnlyList<GradientCheckElement> firstFailures, GradientCheckOptions options)
    {
        Loss = loss;
        Segments = segments;
        CheckedElements = checkedElements;
        FailedElements = failedElements;
        Worst = worst;
        FirstFailures = firstFailures;
        Options = options;
    }

    /// <summary>Whether every checked element is within tolerance.</summary>
    public bool Passed => FailedElements == 0;

    /// <summary>The loss at the unperturbed point.</summary>
    public double Loss { get; }

    /// <summary>Number of segments checked.</summary>
    public int Segments { get; }

    /// <summary>Number of elements checked (over all segments).</summary>
    public int CheckedElements { get; }

    /// <summary>Number of checked elements outside tolerance.</summary>
    public int FailedElements { get; }

    /// <summary>The element with the largest error relative to its tolerance; null when nothing was checked.</summary>
    public GradientCheckElement? Worst { get; }

    /// <summary>Up to five failing elements, in the order they were checked.</summary>
    public IReadOnlyList<GradientCheckElement> FirstFailures { get; }

    /// <summary>The options the check ran with.</summary>
    public GradientCheckOptions Options { get; }

    /// <summary>Throws <see cref="GradientCheckException"/> describing the worst element unless the check passed.</summary>
    /// <param name="context">Optional description of the problem (model, shapes, seed), put in front of the message.</param>
    public void AssertPasses(string? context = null)
    {
        if (!Passed)
        {
            throw new GradientCheckException(this, context);
        }
    }

    /// <summary>A summary fit for an assertion message: verdict, worst element, first failures and the options.</summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Gradient check {(Passed ? "passed" : "FAILED")}: {FailedElements} of {CheckedElements} elements in {Segments} segments outside tolerance; loss {Loss:R}");
        if (Worst is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; worst {Worst}");
        }

        foreach (var failure in FirstFailures)
        {
            if (!ReferenceEquals(failure, Worst))
            {
                text.Append(CultureInfo.InvariantCulture, $"; also {failure}");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $" [ε {Options.Epsilon:R}, tolerance {Options.AbsoluteTolerance:R} + {Options.RelativeTolerance:R}·|numeric|");
        if (Options.ElementsPerSegment > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {Options.ElementsPerSegment} elements per segment, seed {Options.Seed}");
        }

        text.Append(']');
        return text.ToString();
    }
}

/// <summary>Thrown by <see cref="GradientCheckResult.AssertPasses"/> when an analytic gradient disagrees with finite differences.</summary>
public sealed class GradientCheckException : Exception
{
    /// <summary>Creates the exception for a failed check.</summary>
    /// <param name="result">The failed result.</param>
    /// <param name="context">Optional description of the problem, put in front of the message.</param>
    public GradientCheckException(GradientCheckResult result, string? context)
        : base(context is null ? result?.ToString() : $"{context}: {result}")
    {
        ArgumentNullException.ThrowIfNull(result);
        Result = result;
    }

    /// <summary>The failed result.</summary>
    public GradientCheckResult Result { get; }
}
