using System;
using System.Collections.Generic;
using System.Globalization;
using ScottPlot;

namespace Simd.Demo;

/// <summary>The report's charts, drawn with ScottPlot and saved as PNG files (headless; text needs installed fonts).</summary>
internal static class Plots
{
    private const int Width = 800, Height = 500;

    /// <summary>One line of a line chart.</summary>
    public sealed record Series(string Label, double[] X, double[] Y);

    /// <summary>A line chart with markers and a legend; <paramref name="logY"/> plots log10(y) with decade labels.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logY = false, double? yMin = null, double? yMax = null)
    {
        var plot = new Plot();
        foreach (var s in series)
        {
            double[] y = s.Y;
            if (logY)
            {
                y = Array.ConvertAll(s.Y, v => Math.Log10(Math.Max(v, 1e-300)));
            }

            var scatter = plot.Add.Scatter(s.X, y);
            scatter.LegendText = s.Label;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 6;
        }

        if (logY)
        {
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                IntegerTicksOnly = true,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                LabelFormatter = v => "1e" + v.ToString("0", CultureInfo.InvariantCulture),
            };
            plot.Axes.Left.TickGenerator = ticks;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        if (yMin is not null && yMax is not null)
        {
            plot.Axes.SetLimitsY(yMin.Value, yMax.Value);
        }

        plot.SavePng(path, Width, Height);
    }

    /// <summary>A heatmap of <paramref name="values"/>[row, column] with labelled rows and columns and a colour bar.</summary>
    public static void Heatmap(string path, string title, string xLabel, string yLabel, double[,] values, string[] columnLabels, string[] rowLabels)
    {
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);

        // Cell (row r, column c) is centred at x = c, y = rows − 1 − r (row 0 at the top).
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var xTicks = new ScottPlot.TickGenerators.NumericManual();
        for (var c = 0; c < columns; c++)
        {
            xTicks.AddMajor(c, columnLabels[c]);
        }

        var yTicks = new ScottPlot.TickGenerators.NumericManual();
        for (var r = 0; r < rows; r++)
        {
            yTicks.AddMajor(rows - 1 - r, rowLabels[r]);
        }

        plot.Axes.Bottom.TickGenerator = xTicks;
        plot.Axes.Left.TickGenerator = yTicks;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.SavePng(path, Width, Height);
    }
}
