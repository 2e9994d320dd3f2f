using System.Globalization;
using ThreatScorer.FineTune.Bert;
using ThreatScorer.FineTune.Onnx;
using ThreatScorer.FineTune.Training;

namespace ThreatScorer.FineTune;

/// <summary><c>train</c>: fine-tunes MiniLM for stance and writes a model version folder.</summary>
internal static class TrainCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        var trainFiles = line.All("train");
        if (trainFiles.Count == 0)
        {
            throw new CommandLineException("--train FILE is required (NewsMTSC-format JSONL; repeat for more files)");
        }

        var devFiles = line.All("dev").Select(d => d.Split('=', 2) is [var name, var path] && name.Length > 0 && path.Length > 0
            ? (name, path)
            : throw new CommandLineException($"--dev must be NAME=FILE, not '{d}'")).ToList();
        var outDir = line.Required("out");
        var options = new FineTuneOptions
        {
            Epochs = line.Whole("epochs", 3),
            BatchSize = line.Whole("batch", 32),
            LearningRate = line.Positive("lr", 3e-5),
            Seed = line.Whole("seed", 1),
            Patience = line.Whole("patience", 1),
            MaxSteps = line.Whole("max-steps", 0),
        };
        var threads = line.Whole("threads", 2);
        var limit = line.Whole("limit", 0);
        line.ThrowOnUnused();
        foreach (var file in trainFiles.Concat(devFiles.Select(d => d.path)))
        {
            if (!File.Exists(file))
            {
                throw new CommandLineException($"no such file: {file}");
            }
        }

        if (options.Epochs == 0 || options.BatchSize == 0)
        {
            throw new CommandLineException("--epochs and --batch must be at least 1");
        }

        TorchSharp.torch.set_num_threads(Math.Max(1, threads));
        var tokenizer = MiniLmPackage.CreateTokenizer();
        var train = await StanceExamples.ReadAsync(trainFiles, tokenizer, cancellationToken);
        if (limit > 0)
        {
            // A reproducible subset (smoke runs): the first examples after a seeded shuffle.
            var rng = new Random(options.Seed);
            train = train.OrderBy(_ => rng.Next()).Take(limit).ToList();
        }

        var dev = new Dictionary<string, IReadOnlyList<StanceExample>>(StringComparer.Ordinal);
        foreach (var (name, path) in devFiles)
        {
            dev[name] = await StanceExamples.ReadAsync([path], tokenizer, cancellationToken);
        }

        var inv = CultureInfo.InvariantCulture;
        progress.WriteLine(string.Create(inv, $"train: {train.Count} examples from {trainFiles.Count} file(s); dev: {string.Join(", ", dev.Select(d => $"{d.Key} {d.Value.Count}"))}; {threads} threads"));
        var graph = BertOnnxGraph.LoadMiniLm();
        using var network = new StanceNetwork(graph.Config, options.Dropout);
        network.Encoder.LoadFrom(graph);
        var result = FineTuner.Train(network, train, dev, options, progress, cancellationToken);
        var folder = await ModelExport.WriteAsync(outDir, graph, network, result, options, trainFiles, train.Count, TimeProvider.System.GetUtcNow(), cancellationToken);
        output.WriteLine(string.Create(inv, $"trained {result.Steps} steps in {result.Elapsed.TotalMinutes:F1} min; chosen epoch {result.Best?.Epoch.ToString(inv) ?? "(no dev)"}: {string.Join(", ", result.Best?.Scores.Select(s => $"{s.Key} macro-F1 {s.Value.MacroF1:F4}") ?? [])}"));
        output.WriteLine($"model: {folder}");
        return 0;
    }
}
