using System;

namespace Simd.Interop;

/// <summary>What is wrong with a weight file or with the tensors it holds (see <see cref="WeightFileException.Error"/>).</summary>
public enum WeightFileError
{
    /// <summary>The file ends before a length, header, field or tensor it announces.</summary>
    Truncated,
    /// <summary>A safetensors header length is larger than the rest of the file.</summary>
    HeaderLengthBeyondFile,
    /// <summary>A header, or a whole file, is larger than the reader's configured limit.</summary>
    TooLarge,
    /// <summary>The header is not the expected JSON (or an ONNX file is not valid protobuf).</summary>
    Malformed,
    /// <summary>Two tensors share a name.</summary>
    DuplicateTensor,
    /// <summary>A tensor's element type is unknown, or known but not convertible to float or double.</summary>
    UnsupportedDType,
    /// <summary>A dimension is negative, or the element or byte count of a shape overflows 64 bits.</summary>
    InvalidShape,
    /// <summary>A tensor's data offsets lie outside the data section, or are reversed.</summary>
    OffsetOutOfRange,
    /// <summary>A tensor's byte range does not match its shape and element type.</summary>
    SizeMismatch,
    /// <summary>Two tensors' byte ranges overlap.</summary>
    OverlappingTensors,
    /// <summary>Bytes of the data section belong to no tensor (the format requires them to be covered exactly).</summary>
    UncoveredData,
    /// <summary>A tensor that the target needs is absent.</summary>
    MissingTensor,
    /// <summary>A tensor has a different shape from the one the target needs.</summary>
    ShapeMismatch,
    /// <summary>A tensor under the requested prefix has a name the target does not know.</summary>
    UnexpectedTensor,
    /// <summary>A tensor holds NaN or an infinity (see <see cref="NonFiniteWeights"/>).</summary>
    NonFiniteValue,
    /// <summary>The model uses a feature the importer cannot map onto the target cell (for example an ONNX LSTM with peepholes).</summary>
    UnsupportedModel,
}

/// <summary>
/// A weight file (safetensors or ONNX) is corrupt, or does not fit the cell it is loaded into. <see cref="Error"/>
/// says which check failed and <see cref="TensorName"/> which tensor, when one is involved. Loading never changes the
/// target's parameters when it throws.
/// </summary>
public sealed class WeightFileException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Which check failed.</param>
    /// <param name="message">The explanation, naming the tensor and the expected and found values.</param>
    /// <param name="tensorName">The tensor concerned, if any.</param>
    /// <param name="innerException">The underlying parser error, if any.</param>
    public WeightFileException(WeightFileError error, string message, string? tensorName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        TensorName = tensorName;
    }

    /// <summary>Which check failed.</summary>
    public WeightFileError Error { get; }

    /// <summary>The tensor concerned, or null when the failure is not about one tensor.</summary>
    public string? TensorName { get; }
}

/// <summary>What a reader does with NaN and infinite weights.</summary>
public enum NonFiniteWeights
{
    /// <summary>Throw <see cref="WeightFileException"/> with <see cref="WeightFileError.NonFiniteValue"/> (the default: a NaN weight makes every output NaN).</summary>
    Reject,
    /// <summary>Load the values and report each affected tensor once through the options' warning callback.</summary>
    Warn,
    /// <summary>Load the values silently.</summary>
    Allow,
}
