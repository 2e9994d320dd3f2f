using System.Diagnostics;
using System.Globalization;
using ThreatScorer.Encoders;
using ThreatScorer.FineTune.Onnx;
using ThreatScorer.FineTune.Training;

namespace ThreatScorer.FineTune;

/// <summary>
/// <c>evaluate</c>: scores an exported version folder the way serving will (ONNX Runtime for the states, head.json in
/// C#, no torch), so it runs on any host, Debian 12 included.
/// </summary>
internal static class EvaluateCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, CancellationToken cancellationToken)
    {
        var folder = line.Required("model");
        var devFiles = line.All("dev");
        var threads = line.Whole("threads", 2);
        line.ThrowOnUnused();
        if (devFiles.Count == 0)
        {
            throw new CommandLineException("--dev NAME=FILE is required (repeatable)");
        }

        var modelPath = Path.Combine(folder, "model.onnx");
        var headPath = Path.Combine(folder, "head.json");
        foreach (var file in new[] { modelPath, headPath })
        {
            if (!File.Exists(file))
            {
                throw new CommandLineException($"no such file: {file}");
            }
        }

        var head = StanceHead.Parse(await File.ReadAllTextAsync(headPath, cancellationToken), headPath);
        using var encoder = MiniLmEncoder.FromModel(await File.ReadAllBytesAsync(modelPath, cancellationToken), Math.Max(1, threads));
        var tokenizer = MiniLmPackage.CreateTokenizer();
        foreach (var dev in devFiles)
        {
            var (name, path) = dev.Split('=', 2) is [var n, var p] && n.Length > 0 && p.Length > 0 ? (n, p) : throw new CommandLineException($"--dev must be NAME=FILE, not '{dev}'");
            var examples = await StanceExamples.ReadAsync([path], tokenizer, cancellationToken);
            var clock = Stopwatch.StartNew();
            var predicted = new int[examples.Count];
            var order = Enumerable.Range(0, examples.Count).OrderBy(i => examples[i].Ids.Length).ToArray();
            foreach (var chunk in order.Chunk(32))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var states = encoder.Run(chunk.Select(i => examples[i].Ids).ToList());
                for (var j = 0; j < chunk.Length; j++)
                {
                    var e = examples[chunk[j]];
                    var logits = head.Logits(states[j], e.Ids.Length, e.TargetStart, e.TargetEnd);
                    predicted[chunk[j]] = Array.IndexOf(logits, logits.Max());
                }
            }

            var scores = StanceScores.Compute(examples.Select(e => e.Label).ToList(), predicted);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {scores.Count} examples, macro-F1 {scores.MacroF1:F4}, accuracy {scores.Accuracy:F4}; {scores.Count / clock.Elapsed.TotalSeconds:F0} predictions/s (ONNX Runtime, {threads} threads, length-sorted batches of 32)"));
        }

        return 0;
    }
}
