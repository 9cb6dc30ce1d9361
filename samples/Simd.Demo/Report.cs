using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace Simd.Demo;

/// <summary>The report folder: Markdown text collected section by section, plus the PNG charts written beside it.</summary>
internal sealed class Report
{
    private readonly StringBuilder _markdown = new();

    public Report(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    /// <summary>Path of a chart file inside the report folder.</summary>
    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    public void Line(string text = "") => _markdown.AppendLine(text);

    public void Image(string fileName, string alt) => _markdown.AppendLine(CultureInfo.InvariantCulture, $"![{alt}]({fileName})").AppendLine();

    public void Save() => File.WriteAllText(Path.Combine(Directory, "summary.md"), _markdown.ToString());

    /// <summary>Formats a number with the invariant culture.</summary>
    public static string F(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>
/// A one-line progress bar redrawn in place on a terminal; when the output is redirected (CI, a log file) it prints a
/// line at every quarter instead, so logs stay short.
/// </summary>
internal sealed class Progress
{
    private readonly string _label;
    private readonly int _total;
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private int _lastQuarter = -1;

    public Progress(string label, int total)
    {
        _label = label;
        _total = Math.Max(1, total);
    }

    public void Update(int done, string status)
    {
        if (_interactive)
        {
            int filled = done * 24 / _total;
            Console.Write($"\r  {_label,-34} [{new string('#', filled)}{new string('.', 24 - filled)}] {done * 100 / _total,3}%  {status,-28}");
            return;
        }

        int quarter = done * 4 / _total;
        if (quarter != _lastQuarter)
        {
            _lastQuarter = quarter;
            Console.WriteLine($"  {_label,-34} {done * 100 / _total,3}%  {status}");
        }
    }

    public void Done(string status)
    {
        if (_interactive)
        {
            Console.Write($"\r  {_label,-34} [{new string('#', 24)}] 100%  {status,-28}");
            Console.WriteLine();
        }
        else
        {
            Console.WriteLine($"  {_label,-34} done  {status}");
        }
    }
}
