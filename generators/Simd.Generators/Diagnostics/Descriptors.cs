using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Simd.Generators.Diagnostics;

/// <summary>Every diagnostic the generator reports. IDs are stable; messages say how to fix the declaration.</summary>
internal static class Descriptors
{
    private const string Category = "Simd.Generator";

    public static readonly DiagnosticDescriptor SizeNotPositive = new(
        "SIMD0001",
        "Cell size must be positive",
        "'{0}' of [{1}] on '{2}' is {3}; give a size of at least 1",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotPartial = new(
        "SIMD0002",
        "Cell type must be partial",
        "'{0}' must be declared 'partial' (and so must every type that contains it) so that Simd can add the generated members",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Generic = new(
        "SIMD0003",
        "Cell type must not be generic",
        "'{0}' is generic or nested in a generic type; declare the cell on a non-generic class outside generic types",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedElementType = new(
        "SIMD0004",
        "Unsupported element type",
        "ElementType '{0}' on '{1}' is not supported; use typeof(float) or typeof(double)",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TooManyParameters = new(
        "SIMD0005",
        "Cell is too large",
        "[{0}] on '{1}' needs {2} parameters, more than an array can hold ({3}); use smaller sizes",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor HiddenTooLarge = new(
        "SIMD0006",
        "Hidden size too large",
        "Hidden size {0} on '{1}' exceeds {2}, the largest whose per-step state copy fits safely on the stack; use a hidden size of at most {2}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotPlainClass = new(
        "SIMD0007",
        "Cell type must be a plain class",
        "'{0}' is a {1}; declare the cell on a non-static, non-record partial class",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BFloat16NeedsFloat = new(
        "SIMD0008",
        "bfloat16 inference weights need a float cell",
        "InferenceWeights = WeightFormat.BFloat16 on '{0}' needs ElementType float; remove it or use typeof(float)",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownOption = new(
        "SIMD0009",
        "Unknown option value",
        "'{0}' of [{1}] on '{2}' is {3}, which is not a named value of its enum; use one of the enum's members",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BadStructure = new(
        "SIMD0010",
        "Invalid structure option",
        "'{0}' of [{1}] on '{2}' is {3}; use {4}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = new()
    {
        [SizeNotPositive.Id] = SizeNotPositive,
        [NotPartial.Id] = NotPartial,
        [Generic.Id] = Generic,
        [UnsupportedElementType.Id] = UnsupportedElementType,
        [TooManyParameters.Id] = TooManyParameters,
        [HiddenTooLarge.Id] = HiddenTooLarge,
        [NotPlainClass.Id] = NotPlainClass,
        [BFloat16NeedsFloat.Id] = BFloat16NeedsFloat,
        [UnknownOption.Id] = UnknownOption,
        [BadStructure.Id] = BadStructure,
    };

    public static DiagnosticDescriptor Get(string id) => ById[id];
}
