using System;
using System.Globalization;
using System.Text;

namespace Simd.Generators.Emit;

/// <summary>An indenting text writer for generated C#; all numbers are written with the invariant culture.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4);
        }

        _text.Append(line).Append('\n');
        return this;
    }

    public SourceWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public IDisposable Block(string line)
    {
        Open(line);
        return new Closer(this);
    }

    /// <summary>
    /// Writes <paramref name="body"/> inside the user's namespace (when there is one) and containing type
    /// declarations, so a generated partial class lands exactly where the user declared it.
    /// </summary>
    public void InDeclarations(string? ns, System.Collections.Generic.IEnumerable<string> containingTypes, Action body)
    {
        var depth = 0;
        if (ns is not null)
        {
            Open("namespace " + ns);
            depth++;
        }

        foreach (var outer in containingTypes)
        {
            Open(outer);
            depth++;
        }

        body();
        for (var i = 0; i < depth; i++)
        {
            Close();
        }
    }

    public override string ToString() => _text.ToString();

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Closer : IDisposable
    {
        private readonly SourceWriter _writer;

        public Closer(SourceWriter writer) => _writer = writer;

        public void Dispose() => _writer.Close();
    }
}
