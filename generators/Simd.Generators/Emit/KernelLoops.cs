using System;
using System.Collections.Generic;
using System.Linq;

namespace Simd.Generators.Emit;

/// <summary>Loop shapes every cell kind's kernels are built from: column tiles, sample groups and elementwise bodies.</summary>
internal static class KernelLoops
{
    /// <summary>Samples (or weight-gradient rows) per register tile: chosen so a tile's accumulators fit the register file.</summary>
    public static int RowsPerTile(Isa isa) => isa.Bytes switch
    {
        64 => 4,
        32 => 3,
        16 => 3,
        _ => 2,
    };

    /// <summary>Most vector chunks one tile holds per row, so a tile's accumulators fit the register file.</summary>
    public const int MaxChunksPerTile = 4;

    /// <summary>Splits a row of <paramref name="width"/> elements into register tiles: a repeated main tile and the rest.</summary>
    public static List<(int Offset, List<int> Chunks, int Repeat, int Stride)> ColumnTiles(Isa isa, VecText v, int width)
    {
        var chunks = isa.Decompose(width, v.ElementBytes);
        var full = isa.Width(v.ElementBytes);
        var tiles = new List<(int, List<int>, int, int)>();
        var fullChunks = chunks.Count(c => c == full);
        var mainRepeat = fullChunks / MaxChunksPerTile;
        var offset = 0;
        if (mainRepeat > 0)
        {
            tiles.Add((0, Enumerable.Repeat(full, MaxChunksPerTile).ToList(), mainRepeat, full * MaxChunksPerTile));
            offset = mainRepeat * full * MaxChunksPerTile;
        }

        var rest = chunks.Skip(mainRepeat * MaxChunksPerTile).ToList();
        for (var i = 0; i < rest.Count; i += MaxChunksPerTile)
        {
            var group = rest.Skip(i).Take(MaxChunksPerTile).ToList();
            tiles.Add((offset, group, 1, 0));
            offset += group.Sum();
        }

        return tiles;
    }

    /// <summary>Emits calls of one tile kernel across a row; <paramref name="call"/> gets the column offset expression.</summary>
    public static void ForEachColumnTile(SourceWriter w, List<(int Offset, List<int> Chunks, int Repeat, int Stride)> tiles, Action<List<int>, string> call)
    {
        foreach (var (offset, chunks, repeat, stride) in tiles)
        {
            if (repeat > 1)
            {
                w.Open($"for (int ct = 0; ct < {SourceWriter.Int(repeat)}; ct++)");
                call(chunks, $"ct * {SourceWriter.Int(stride)}");
                w.Close();
            }
            else
            {
                call(chunks, SourceWriter.Int(offset));
            }
        }
    }

    /// <summary>
    /// Emits a loop over sample groups of the widest tile, then one call for the remainder; <paramref name="counter"/>
    /// names the group-start variable (a second loop in the same method needs its own).
    /// </summary>
    public static void GroupLoop(SourceWriter w, int rowsPerTile, string count, Action<int, string> body, string counter = "s0")
    {
        w.Line($"int {counter} = 0;");
        w.Open($"for (; {counter} + {SourceWriter.Int(rowsPerTile)} <= {count}; {counter} += {SourceWriter.Int(rowsPerTile)})");
        body(rowsPerTile, counter);
        w.Close();
        if (rowsPerTile > 1)
        {
            w.Open($"switch ({count} - {counter})");
            for (var n = rowsPerTile - 1; n >= 1; n--)
            {
                w.Open($"case {SourceWriter.Int(n)}:");
                body(n, counter);
                w.Line("break;");
                w.Close();
            }

            w.Close();
        }
    }

    /// <summary>Emits <paramref name="body"/> over <paramref name="length"/> elements: a constant loop of full vectors, then exact tails.</summary>
    public static void Elementwise(SourceWriter w, Isa isa, VecText v, int length, Action<int, string> body)
    {
        var chunks = isa.Decompose(length, v.ElementBytes);
        var full = isa.Width(v.ElementBytes);
        var fullCount = chunks.Count(c => c == full);
        if (fullCount > 1)
        {
            w.Open($"for (int j = 0; j < {SourceWriter.Int(fullCount * full)}; j += {SourceWriter.Int(full)})");
            body(full, "j");
            w.Close();
        }
        else if (fullCount == 1)
        {
            w.Open(string.Empty);
            body(full, "0");
            w.Close();
        }

        var offset = fullCount * full;
        foreach (var width in chunks.Skip(fullCount))
        {
            w.Open(string.Empty);
            body(width, SourceWriter.Int(offset));
            w.Close();
            offset += width;
        }
    }

    /// <summary>
    /// Emits <paramref name="call"/> over <paramref name="length"/> rows in blocks of <paramref name="rowsPerBlock"/>:
    /// a constant-bound loop over the full blocks (its start named <c>k0</c>), then one call for the rest.
    /// </summary>
    public static void RowBlocks(SourceWriter w, int length, int rowsPerBlock, Action<int, string> call)
    {
        var mainRows = length / rowsPerBlock * rowsPerBlock;
        if (mainRows > 0)
        {
            w.Open($"for (int k0 = 0; k0 < {SourceWriter.Int(mainRows)}; k0 += {SourceWriter.Int(rowsPerBlock)})");
            call(rowsPerBlock, "k0");
            w.Close();
        }

        if (length % rowsPerBlock > 0)
        {
            call(length % rowsPerBlock, SourceWriter.Int(mainRows));
        }
    }
}
