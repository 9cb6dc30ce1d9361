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

    /// <summary>Name of the generated private class that holds this cell's kernels.</summary>
    protected abstract string KernelClass { get; }

    protected static int RowsPerTile(Isa isa) => KernelLoops.RowsPerTile(isa);

    protected static string I(long value) => SourceWriter.Int(value);

    protected static string At(string reference, string offset) => VecText.Offset(reference, offset);

    /// <summary>Emits the run-time choice of instruction-set path: one call of <paramref name="method"/> per path, widest first.</summary>
    protected void Dispatch(SourceWriter w, string method, string arguments)
    {
        var first = true;
        foreach (var isa in Isa.All)
        {
            w.Open(isa.Guard is not null ? $"{(first ? "if" : "else if")} ({isa.Guard})" : "else");
            w.Line($"{KernelClass}.{method}{isa.Name}({arguments});");
            w.Close();
            first = false;
        }
    }
}
