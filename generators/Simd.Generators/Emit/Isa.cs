using System.Collections.Generic;

namespace Simd.Generators.Emit;

/// <summary>
/// One instruction-set path of the generated code: Vector512, Vector256, Vector128 or scalar. Every kernel is
/// emitted once per path, and the public entry points pick the widest path the JIT accelerates.
/// </summary>
internal sealed class Isa
{
    private Isa(string name, int bytes, string? guard)
    {
        Name = name;
        Bytes = bytes;
        Guard = guard;
    }

    public static readonly Isa V512 = new("V512", 64, "global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated");
    public static readonly Isa V256 = new("V256", 32, "global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated");
    public static readonly Isa V128 = new("V128", 16, "global::System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated");
    public static readonly Isa Scalar = new("Scalar", 0, null);

    /// <summary>Widest first: the order in which entry points test them.</summary>
    public static readonly Isa[] All = { V512, V256, V128, Scalar };

    public string Name { get; }

    /// <summary>Vector size in bytes; 0 for the scalar path.</summary>
    public int Bytes { get; }

    /// <summary>The JIT-time constant that selects this path; null for the scalar fallback.</summary>
    public string? Guard { get; }

    /// <summary>Widths (in elements) this path may use, widest first; narrower ones cover tails exactly.</summary>
    public int[] ChunkWidths(int elementBytes)
    {
        var widths = new List<int>();
        for (var bytes = Bytes; bytes >= 16; bytes /= 2)
        {
            widths.Add(bytes / elementBytes);
        }

        widths.Add(1);
        return widths.ToArray();
    }

    public int Width(int elementBytes) => Bytes == 0 ? 1 : Bytes / elementBytes;

    /// <summary>Splits <paramref name="length"/> elements into chunks, widest first, with no remainder.</summary>
    public List<int> Decompose(int length, int elementBytes)
    {
        var chunks = new List<int>();
        foreach (var width in ChunkWidths(elementBytes))
        {
            while (length >= width)
            {
                chunks.Add(width);
                length -= width;
            }
        }

        return chunks;
    }
}
