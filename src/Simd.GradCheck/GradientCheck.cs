using System;
using System.Collections.Generic;
using System.Globalization;

namespace Simd.GradCheck;

/// <summary>Returns the span a segment's values live in; called before every perturbation, so it may point into a cell's <c>Parameters</c>.</summary>
/// <returns>The storage span.</returns>
public delegate Span<double> SegmentStorage();

/// <summary>
/// Checks analytic gradients against central finite differences in double, the way <c>torch.autograd.gradcheck</c>
/// does: add named segments (parameters, inputs, initial states) with their analytic gradients, then
/// <see cref="Run"/> with a loss that reads them. Each checked element is set to x + ε and x − ε in turn, the loss is
/// evaluated, and the element is restored to its exact original bits (also when the loss throws).
/// </summary>
/// <example>
/// <code>
/// var check = new GradientCheck()
///     .AddParameters(cell, parameterGradients)           // weight_ih_l0, weight_hh_l0, … by PyTorch name
///     .Add("inputs", inputs, inputGradients, [steps, batch, cell.InputSize]);
/// check.Run(() => Loss(cell, inputs)).AssertPasses();
/// </code>
/// </example>
public sealed class GradientCheck
{
    private const int FailuresKept = 5;

    private readonly List<Segment> _segments = [];

    /// <summary>Names of the segments added so far, in order.</summary>
    public IReadOnlyList<string> SegmentNames => _segments.ConvertAll(static s => s.Name);

    /// <summary>Adds a segment whose values are an array the loss reads.</summary>
    /// <param name="name">Unique name reported for its elements, for example <c>inputs</c>.</param>
    /// <param name="values">The values; perturbed in place and restored.</param>
    /// <param name="analytic">dL/dvalues, as long as <paramref name="values"/>.</param>
    /// <param name="shape">Optional row-major shape (its product must equal the length) for multi-dimensional indices in reports.</param>
    /// <returns>This check, for chaining.</returns>
    public GradientCheck Add(string name, double[] values, ReadOnlyMemory<double> analytic, ReadOnlySpan<int> shape = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Add(name, values.AsMemory(), analytic, shape);
    }

    /// <summary>Adds a segment whose values are a region of memory the loss reads.</summary>
    /// <param name="name">Unique name reported for its elements.</param>
    /// <param name="values">The values; perturbed in place and restored.</param>
    /// <param name="analytic">dL/dvalues, as long as <paramref name="values"/>.</param>
    /// <param name="shape">Optional row-major shape, as in <see cref="Add(string, double[], ReadOnlyMemory{double}, ReadOnlySpan{int})"/>.</param>
    /// <returns>This check, for chaining.</returns>
    public GradientCheck Add(string name, Memory<double> values, ReadOnlyMemory<double> analytic, ReadOnlySpan<int> shape = default)
    {
        Guard.Length(analytic.Length, values.Length, nameof(analytic), "the length of 'values'");
        return AddChecked(name, () => values.Span, values.Length, analytic, null, shape);
    }

    /// <summary>
    /// Adds a segment stored in a span that only a callback can produce (a cell's <c>Parameters</c>), optionally
    /// scattered: logical element j lives at <c>storage()[storageIndices[j]]</c> and its analytic gradient at
    /// <c>analytic[storageIndices[j]]</c>, so a tensor kept in a SIMD layout is reported by its PyTorch index.
    /// </summary>
    /// <param name="name">Unique name reported for its elements.</param>
    /// <param name="storage">Returns the span holding the values; called before each perturbation.</param>
    /// <param name="analytic">dL/dvalues, in the same layout and as long as the storage span.</param>
    /// <param name="storageIndices">Where each logical element lives in the storage; empty means element j is at j.</param>
    /// <param name="shape">Optional row-major shape of the logical elements.</param>
    /// <returns>This check, for chaining.</returns>
    public GradientCheck Add(string name, SegmentStorage storage, ReadOnlyMemory<double> analytic, ReadOnlySpan<int> storageIndices = default, ReadOnlySpan<int> shape = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var storageLength = storage().Length;
        Guard.Length(analytic.Length, storageLength, nameof(analytic), "the length of the storage span");
        int[]? indices = null;
        if (!storageIndices.IsEmpty)
        {
            indices = storageIndices.ToArray();
            var seen = new bool[storageLength];
            foreach (var index in indices)
            {
                if ((uint)index >= (uint)storageLength || seen[index])
                {
                    throw new ArgumentException($"'{nameof(storageIndices)}' holds {index}; expected distinct indices from 0 to {storageLength - 1} (the storage length).", nameof(storageIndices));
                }

                seen[index] = true;
            }
        }

        return AddChecked(name, storage, indices?.Length ?? storageLength, analytic, indices, shape);
    }

    /// <summary>Checks every segment (or a seeded sample of each, see <see cref="GradientCheckOptions.ElementsPerSegment"/>).</summary>
    /// <param name="loss">Evaluates the loss from the current values of every segment. It must be deterministic.</param>
    /// <param name="options">Step, tolerances and sampling; <see cref="GradientCheckOptions.Default"/> when null.</param>
    /// <returns>The result; call <see cref="GradientCheckResult.AssertPasses"/> in a test.</returns>
    public GradientCheckResult Run(Func<double> loss, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        options ??= GradientCheckOptions.Default;
        options.Validate(nameof(options));

        var random = new Random(options.Seed);
        var baseLoss = loss();
        var checkedElements = 0;
        var failed = 0;
        GradientCheckElement? worst = null;
        var failures = new List<GradientCheckElement>();
        foreach (var segment in _segments)
        {
            foreach (var index in Sample(random, segment.Length, options.ElementsPerSegment))
            {
                var element = CheckElement(segment, index, loss, options);
                checkedElements++;
                if (!element.Passed)
                {
                    failed++;
                    if (failures.Count < FailuresKept)
                    {
                        failures.Add(element);
                    }
                }

                if (worst is null || !(element.Ratio <= worst.Ratio))
                {
                    worst = element;
                }
            }
        }

        return new GradientCheckResult(baseLoss, _segments.Count, checkedElements, failed, worst, failures, options);
    }

    private GradientCheck AddChecked(string name, SegmentStorage storage, int length, ReadOnlyMemory<double> analytic, int[]? indices, ReadOnlySpan<int> shape)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"'{nameof(name)}' is empty; expected a segment name such as \"inputs\".", nameof(name));
        }

        if (_segments.Exists(s => string.Equals(s.Name, name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"'{nameof(name)}' is \"{name}\", which is already a segment; expected a unique name.", nameof(name));
        }

        if (!shape.IsEmpty && ShapeLength(shape) != length)
        {
            throw new ArgumentException($"'{nameof(shape)}' is [{string.Join(", ", shape.ToArray())}]; expected non-negative dimensions whose product is {length} (the segment's length).", nameof(shape));
        }

        _segments.Add(new Segment(name, storage, length, analytic, indices, shape.IsEmpty ? null : shape.ToArray()));
        return this;
    }

    /// <summary>The product of the dimensions, or −1 when one is negative or the product exceeds int.MaxValue.</summary>
    private static long ShapeLength(ReadOnlySpan<int> shape)
    {
        long product = 1;
        foreach (var dimension in shape)
        {
            product *= dimension;
            if (dimension < 0 || product > int.MaxValue)
            {
                return -1;
            }
        }

        return product;
    }

    private static GradientCheckElement CheckElement(Segment segment, int index, Func<double> loss, GradientCheckOptions options)
    {
        var at = segment.StorageIndices is null ? index : segment.StorageIndices[index];
        var original = segment.Storage()[at];
        var plus = original + options.Epsilon;
        var minus = original - options.Epsilon;
        double lossPlus, lossMinus;
        try
        {
            segment.Storage()[at] = plus;
            lossPlus = loss();
            segment.Storage()[at] = minus;
            lossMinus = loss();
        }
        finally
        {
            segment.Storage()[at] = original;
        }

        // Divide by the step actually taken: x ± ε is rounded to a double, so the step is not exactly 2ε.
        var numeric = (lossPlus - lossMinus) / (plus - minus);
        var analytic = segment.Analytic.Span[at];
        double error, tolerance;
        if (double.IsFinite(analytic) && double.IsFinite(numeric))
        {
            error = Math.Abs(analytic - numeric);
            tolerance = options.AbsoluteTolerance + (options.RelativeTolerance * Math.Abs(numeric));
        }
        else
        {
            // A NaN or infinite gradient, or a loss that overflowed, never passes.
            error = double.PositiveInfinity;
            tolerance = options.AbsoluteTolerance;
        }

        return new GradientCheckElement(segment.Name, index, segment.Position(index), analytic, numeric, error, tolerance);
    }

    /// <summary>Every index in order, or <paramref name="count"/> distinct ones in random order (partial Fisher–Yates).</summary>
    private static int[] Sample(Random random, int length, int count)
    {
        var indices = new int[length];
        for (var i = 0; i < length; i++)
        {
            indices[i] = i;
        }

        if (count == 0 || count >= length)
        {
            return indices;
        }

        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, length);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        return indices.AsSpan(0, count).ToArray();
    }

    private sealed record Segment(string Name, SegmentStorage Storage, int Length, ReadOnlyMemory<double> Analytic, int[]? StorageIndices, int[]? Shape)
    {
        public int[] Position(int index)
        {
            if (Shape is null)
            {
                return [index];
            }

            var position = new int[Shape.Length];
            for (var d = Shape.Length - 1; d >= 0; d--)
            {
                position[d] = Shape[d] == 0 ? 0 : index % Shape[d];
                index = Shape[d] == 0 ? 0 : index / Shape[d];
            }

            return position;
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Length})");
    }
}
