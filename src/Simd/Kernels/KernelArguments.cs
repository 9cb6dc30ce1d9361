using System;
using System.Numerics;

namespace Simd.Kernels;

/// <summary>
/// The argument checks shared by <see cref="AttentionMath"/>, <see cref="LayerMath"/> and
/// <see cref="DeterministicKernels"/>, so the fast and deterministic kernels refuse exactly the same input with the same
/// messages. Each names the public argument it checks.
/// </summary>
internal static class KernelArguments
{
    public static void Combine(int coefficients, int rows, int rowStride, int destination)
    {
        if (rowStride < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rowStride), rowStride, "'rowStride' must not be negative.");
        }

        if (coefficients > 0 && destination > 0)
        {
            Guard.AtLeast(rows, (((long)coefficients - 1) * rowStride) + destination, nameof(rows), "(coefficients − 1) × rowStride + destination = ({0} − 1) × {1} + {2}", coefficients, rowStride, destination);
        }
    }

    public static void MatrixVector(int matrix, int rows, int columns) =>
        Guard.Length(matrix, (long)rows * columns, nameof(matrix), "destination × vector = {0} × {1}", rows, columns);

    public static void SoftmaxScale<T>(T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(scale > T.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "'scale' must be positive.");
        }
    }

    public static void SoftmaxBackward(int probabilities, int gradient, int destination)
    {
        Guard.Length(gradient, probabilities, nameof(gradient), "the length of 'probabilities'");
        Guard.Length(destination, probabilities, nameof(destination), "the length of 'probabilities'");
    }

    public static void AdditiveScores(int projectedKeys, int query, int scoreWeight, int scores)
    {
        Guard.Length(scoreWeight, query, nameof(scoreWeight), "the length of 'query'");
        Guard.AtLeast(projectedKeys, (long)scores * query, nameof(projectedKeys), "scores × query = {0} × {1}", scores, query);
    }

    public static void AdditiveScoresBackward(int projectedKeys, int query, int scoreWeight, int scoreGradient, int projectedKeyGradient, int queryGradient, int scoreWeightGradient)
    {
        Guard.Length(scoreWeight, query, nameof(scoreWeight), "the length of 'query'");
        Guard.Length(queryGradient, query, nameof(queryGradient), "the length of 'query'");
        Guard.Length(scoreWeightGradient, query, nameof(scoreWeightGradient), "the length of 'query'");
        Guard.AtLeast(projectedKeys, (long)scoreGradient * query, nameof(projectedKeys), "scoreGradient × query = {0} × {1}", scoreGradient, query);
        Guard.AtLeast(projectedKeyGradient, (long)scoreGradient * query, nameof(projectedKeyGradient), "scoreGradient × query = {0} × {1}", scoreGradient, query);
    }

    public static void LinearBackwardRow(int input, int weightRow, int weightGradientRow, int inputGradient)
    {
        Guard.Length(weightRow, input, nameof(weightRow), "the length of 'input'");
        Guard.Length(weightGradientRow, input, nameof(weightGradientRow), "the length of 'input'");
        if (inputGradient != 0)
        {
            Guard.Length(inputGradient, input, nameof(inputGradient), "the length of 'input', or 0");
        }
    }
}
