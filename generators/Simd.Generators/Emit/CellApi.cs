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
}
