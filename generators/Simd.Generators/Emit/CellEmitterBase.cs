using Simd.Generators.Model;

namespace Simd.Generators.Emit;

/// <summary>
/// What every cell kind's emitter starts from: the spec, the vector text helpers for its element type, the shared tile
/// kernels, the writer for the kernel class, and the names generated code uses for the runtime's types.
/// </summary>
internal abstract class CellEmitterBase
{
    protected const string Unsafe = VecText.UnsafeClass;
    protected const string Math = VecText.MathClass;
    protected const string Span = "global::System.Span";
    protected const string ReadOnlySpan = "global::System.ReadOnlySpan";
    protected const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    protected const string Opt = TileEmitter.Optimized;

    protected readonly CellSpec _spec;
    protected readonly VecText _v;
    protected readonly string _e;
    protected readonly TileEmitter _tiles;
    protected readonly SourceWriter _k = new();

    protected CellEmitterBase(CellSpec spec)
    {
        _spec = spec;
        _v = new VecText(spec.Element == ElementKind.Double);
        _e = _v.Element;
        _tiles = new TileEmitter(_v);
    }

    protected static int RowsPerTile(Isa isa) => KernelLoops.RowsPerTile(isa);

    protected static string I(long value) => SourceWriter.Int(value);

    protected static string At(string reference, string offset) => VecText.Offset(reference, offset);
}
