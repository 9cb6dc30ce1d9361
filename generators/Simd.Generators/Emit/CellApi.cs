namespace Simd.Generators.Emit;

/// <summary>Generated text shared by every cell kind.</summary>
internal static class CellApi
{
    /// <summary>
    /// Emits the explicit implementations of <c>IRecurrentCell&lt;T&gt;</c>'s size and layout members, which the
    /// generated class exposes as constants and static methods.
    /// </summary>
    public static void EmitExplicitMembers(SourceWriter w, string element)
    {
        var iface = $"global::Simd.IRecurrentCell<{element}>";
        w.Line($"int {iface}.InputSize => InputSize;");
        w.Line($"int {iface}.HiddenSize => HiddenSize;");
        w.Line($"int {iface}.ParameterCount => ParameterCount;");
        w.Line($"int {iface}.WeightIndex(int row, int column) => WeightIndex(row, column);");
        w.Line($"int {iface}.BiasIhIndex(int row) => BiasIhIndex(row);");
        w.Line($"int {iface}.BiasHhIndex(int row) => BiasHhIndex(row);");
        w.Line($"global::Simd.Tape<{element}> {iface}.CreateTape(int maxSteps, int maxBatch) => CreateTape(maxSteps, maxBatch);");
    }

    /// <summary>
    /// Emits the parameter storage: a cell owns its array, or, as a layer of a generated stack
    /// (<paramref name="shared"/>), uses a slice of the stack's array so the whole network's parameters are one span.
    /// Emitted code reaches the storage only through <c>Parameters</c> (see <see cref="ParametersExpression"/>) and
    /// <c>SimdWeights</c>.
    /// </summary>
    public static void EmitStorage(SourceWriter w, string element, string typeName, bool shared)
    {
        if (shared)
        {
            w.Line($"private readonly {element}[] _simdParameters;");
            w.Line("private readonly int _simdOffset;");
            w.Line();
            w.Line("/// <summary>A layer of a stack: its parameters are <paramref name=\"storage\"/>[<paramref name=\"offset\"/>..+ParameterCount].</summary>");
            w.Line("/// <param name=\"storage\">The stack's parameter array.</param><param name=\"offset\">Where this layer's parameters start.</param>");
            w.Open($"internal {typeName}({element}[] storage, int offset)");
            w.Line("_simdParameters = storage;");
            w.Line("_simdOffset = offset;");
            w.Close();
            w.Line();
            w.Line($"private ref {element} SimdWeights => ref {VecText.UnsafeClass}.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_simdParameters), _simdOffset);");
        }
        else
        {
            w.Line($"private readonly {element}[] _simdParameters = new {element}[ParameterCount];");
            w.Line();
            w.Line($"private ref {element} SimdWeights => ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_simdParameters);");
        }
    }

    /// <summary>The body of the <c>Parameters</c> property for the storage <see cref="EmitStorage"/> declared.</summary>
    public static string ParametersExpression(bool shared) =>
        shared ? "global::System.MemoryExtensions.AsSpan(_simdParameters, _simdOffset, ParameterCount)" : "_simdParameters";
}
