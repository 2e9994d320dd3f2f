using System.Globalization;
using System.Text;
using ScottPlot;

namespace ThreatScorer.Core.Training;

/// <summary>
/// Writes an evaluation report folder: <c>report.md</c> (metrics, confusion matrix, calibration) and three PNG
/// plots — a confusion-matrix heat map, a reliability diagram and per-class F1 bars.
/// </summary>
public static class EvaluationReportWriter
{
    public const string ReportFile = "report.md";
    public const string ConfusionFile = "confusion-matrix.png";
    public const string ReliabilityFile = "reliability.png";
    public const string PerClassFile = "per-class-f1.png";
    private const int Bins = 10;

    public static async Task<string> WriteAsync(TaskEvaluation evaluation, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        Directory.CreateDirectory(folder);
        ConfusionPlot(evaluation).SavePng(Path.Combine(folder, ConfusionFile), 760, 620);
        ReliabilityPlot(evaluation).SavePng(Path.Combine(folder, ReliabilityFile), 680, 560);
        PerClassPlot(evaluation).SavePng(Path.Combine(folder, PerClassFile), 640, 420);
        var path = Path.Combine(folder, ReportFile);
        await File.WriteAllTextAsync(path, Markdown(evaluation), cancellationToken);
        return path;
    }

    /// <summary>The evaluation as Markdown (also what <c>threatscorer evaluate</c> prints).</summary>
    public static string Markdown(TaskEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var inv = CultureInfo.InvariantCulture;
        var r = e.Report;
        var text = new StringBuilder();
        text.Append(inv, $"# Evaluation: {e.Task} `{e.Version}`\n\n");
        text.Append(inv, $"Data: {string.Join(", ", e.DataFiles.Select(Path.GetFileName))} ({r.Count} examples)\n\n");
        text.Append(Scope(e));
        text.Append(inv, $"- macro-F1: **{r.MacroF1:F4}**\n- accuracy: {r.Accuracy:F4}\n- expected calibration error (top label, {Bins} bins): {e.CalibrationError:F4}\n\n");
        text.Append("| class | precision | recall | F1 | support |\n|---|---|---|---|---|\n");
        foreach (var c in r.PerClass)
        {
            text.Append(inv, $"| {c.Label} | {c.Precision:F4} | {c.Recall:F4} | {c.F1:F4} | {c.Support} |\n");
        }

        text.Append("\nConfusion matrix (rows: gold, columns: predicted):\n\n| gold \\ predicted | ")
            .Append(string.Join(" | ", r.Labels)).Append(" |\n|---|").Append(string.Concat(r.Labels.Select(_ => "---|"))).Append('\n');
        for (var i = 0; i < r.Labels.Count; i++)
        {
            text.Append(inv, $"| {r.Labels[i]} | ").Append(string.Join(" | ", r.ConfusionMatrix[i])).Append(" |\n");
        }

        text.Append(Parts(e));
        text.Append(inv, $"\n![confusion matrix]({ConfusionFile}) ![reliability]({ReliabilityFile}) ![per-class F1]({PerClassFile})\n");
        return text.ToString();
    }

    /// <summary>Which groups of a threat corpus were scored (empty for stance and sentiment).</summary>
    public static string Scope(TaskEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Parts.Count == 0)
        {
            return string.Empty;
        }

        return e.IncludesTrainGroups
            ? "Scored: train AND dev groups (--include-train). The model was fitted on the train groups, so these numbers are optimistic; gate on dev groups only.\n\n"
            : string.Create(CultureInfo.InvariantCulture, $"Scored: dev groups only ({e.TrainGroupExamplesLeftOut} train-group examples left out; --include-train scores them too).\n\n");
    }

    /// <summary>
    /// The per-part table (team dev, each real-text dev part, CAMEO TSVs, pooled), with the kinds macro-F1, the
    /// threat-vs-not AUC and the keyword baseline for threat; empty for stance and sentiment.
    /// </summary>
    public static string Parts(TaskEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Parts.Count == 0)
        {
            return string.Empty;
        }

        var inv = CultureInfo.InvariantCulture;
        var threat = e.Task == Models.ModelTasks.Threat;
        var text = new StringBuilder("\nPer part (")
            .Append(e.IncludesTrainGroups ? "train and dev groups" : "dev groups").Append("; macro-F1 of the ")
            .Append(threat ? "level" : "class").Append("):\n\n");
        if (threat)
        {
            text.Append("| part | examples | macro-F1 | accuracy | kinds macro-F1 | keyword macro-F1 | threat AUC | keyword threat AUC | high AUC | keyword high AUC |\n|---|---|---|---|---|---|---|---|---|---|\n");
            foreach (var p in e.Parts)
            {
                text.Append(inv, $"| {p.Name} | {p.Report.Count} | {p.Report.MacroF1:F4} | {p.Report.Accuracy:F4} | {Num(p.KindsMacroF1)} | {Num(p.KeywordReport?.MacroF1)} | {Num(p.ThreatAuc)} | {Num(p.KeywordThreatAuc)} | {Num(p.HighAuc)} | {Num(p.KeywordHighAuc)} |\n");
            }

            text.Append(inv, $"| pooled | {e.Report.Count} | {e.Report.MacroF1:F4} | {e.Report.Accuracy:F4} | {Num(e.KindsMacroF1)} | | | | | |\n");
            text.Append(e.KeywordThresholds is { } t
                ? string.Create(inv, $"\nKeyword baseline: rate of tokens starting with one of {Threat.ThreatKeywordBaseline.Stems.Count} violence stems; level = thresholds on the rate (low > {t.Low:F4}, elevated > {t.Elevated:F4}, high > {t.High:F4}) chosen on {t.TrainExamples} train-group examples. {AucNote}\n")
                : "\nKeyword baseline: no train-group examples in the data to choose its level thresholds on (AUC only). " + AucNote + "\n");
        }
        else
        {
            text.Append("| part | examples | macro-F1 | accuracy |\n|---|---|---|---|\n");
            foreach (var p in e.Parts)
            {
                text.Append(inv, $"| {p.Name} | {p.Report.Count} | {p.Report.MacroF1:F4} | {p.Report.Accuracy:F4} |\n");
            }

            text.Append(inv, $"| pooled | {e.Report.Count} | {e.Report.MacroF1:F4} | {e.Report.Accuracy:F4} |\n");
        }

        return text.ToString();

        static string Num(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "–";
    }

    private const string AucNote =
        "Threat AUC: P(elevated or high) for gold elevated-or-high; high AUC: P(high) for gold high; the keyword AUCs rank by the keyword rate instead (– = one class only in the part).";

    /// <summary>Candidate and baseline macro-F1 per part, and which parts are worse beyond the tolerance.</summary>
    public static string ComparisonParts(ModelComparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Parts.Count == 0)
        {
            return string.Empty;
        }

        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder(c.Candidate.IncludesTrainGroups ? "per part, train AND dev groups (optimistic):\n" : "per part, dev groups only:\n");
        text.Append(inv, $"{"part",-28} {"examples",8} {"candidate",10} {"baseline",10} {"delta",8}\n");
        foreach (var p in c.Parts)
        {
            text.Append(inv, $"{p.Name,-28} {p.Count,8} {p.Candidate,10:F4} {p.Baseline,10:F4} {p.Delta,8:+0.0000;-0.0000}{(!c.Gates(p) ? $"  (not gated: under {c.MinimumGatedPartExamples} examples)" : p.Delta < -c.Tolerance ? "  WORSE" : string.Empty)}\n");
        }

        return text.ToString();
    }

    private static Plot ConfusionPlot(TaskEvaluation e)
    {
        var labels = e.Report.Labels;
        var n = labels.Count;
        var matrix = e.Report.ConfusionMatrix;
        var rowShare = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            var total = Math.Max(1, matrix[i].Sum());
            for (var j = 0; j < n; j++)
            {
                rowShare[i, j] = (double)matrix[i][j] / total;
            }
        }

        var plot = new Plot();
        var heat = plot.Add.Heatmap(rowShare);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        heat.FlipVertically = false;
        plot.Add.ColorBar(heat);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                // Heat map cell (row i, column j) is centred at x = j, y = n - 1 - i.
                var label = plot.Add.Text(matrix[i][j].ToString(CultureInfo.InvariantCulture), j, n - 1 - i);
                label.LabelStyle.ForeColor = rowShare[i, j] > 0.5 ? Colors.Black : Colors.White;
                label.LabelFontSize = 16;
                label.LabelAlignment = Alignment.MiddleCenter;
            }
        }

        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        // Two-line tick labels ("verbal\ncooperation") keep long class names from overlapping.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels.Select(l => l.Replace('_', '\n')).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels.Reverse().ToArray());
        plot.XLabel("predicted");
        plot.YLabel("gold");
        plot.Title($"{e.Task} confusion matrix (colour: share of the gold row)");
        return plot;
    }

    private static Plot ReliabilityPlot(TaskEvaluation e)
    {
        var plot = new Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Gray;
        var xs = new List<double>();
        var ys = new List<double>();
        var sizes = new List<int>();
        for (var b = 0; b < Bins; b++)
        {
            var members = Enumerable.Range(0, e.Confidence.Count)
                .Where(i => Math.Min(Bins - 1, (int)(e.Confidence[i] * Bins)) == b)
                .ToList();
            if (members.Count == 0)
            {
                continue;
            }

            xs.Add(members.Average(i => e.Confidence[i]));
            ys.Add(members.Average(i => e.Correct[i] ? 1.0 : 0.0));
            sizes.Add(members.Count);
        }

        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.MarkerSize = 9;
        line.LineWidth = 2;
        line.LegendText = "model";
        diagonal.LegendText = "perfect calibration";
        for (var i = 0; i < xs.Count; i++)
        {
            var count = plot.Add.Text(sizes[i].ToString(CultureInfo.InvariantCulture), xs[i], ys[i]);
            count.LabelFontSize = 11;
            count.LabelAlignment = Alignment.LowerCenter;
            count.OffsetY = -8;
        }

        plot.Axes.SetLimits(0, 1, 0, 1.05);
        plot.XLabel("confidence of the predicted label");
        plot.YLabel("accuracy");
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{e.Task} reliability, ECE {e.CalibrationError:F3} (labels: examples per bin)"));
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot PerClassPlot(TaskEvaluation e)
    {
        var plot = new Plot();
        var perClass = e.Report.PerClass;
        var bars = plot.Add.Bars(perClass.Select(c => c.F1).ToArray());
        for (var i = 0; i < perClass.Count; i++)
        {
            bars.Bars[i].Label = perClass[i].F1.ToString("F2", CultureInfo.InvariantCulture);
        }

        bars.ValueLabelStyle.FontSize = 14;
        var positions = Enumerable.Range(0, perClass.Count).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, perClass.Select(c => c.Label).ToArray());
        plot.Axes.SetLimitsY(0, 1.05);
        plot.YLabel("F1");
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{e.Task} per-class F1 (macro-F1 {e.Report.MacroF1:F3})"));
        return plot;
    }
}
