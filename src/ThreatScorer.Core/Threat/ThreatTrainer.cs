using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Core.Threat;

/// <summary>
/// Trains the threat models (four-level classifier + one binary model per kind) or the interaction model from
/// the team's threat corpus. Dev = the corpus groups held out by <see cref="ThreatCorpusReader.IsDev"/> (or the
/// request's dev files); the shipped model never sees its dev groups. Writes a version folder with the zips,
/// metrics.json and a model card.
/// </summary>
public sealed class CorpusTrainer(string task, TimeProvider timeProvider) : IModelTrainer
{
    private static readonly JsonSerializerOptions Json = ModelMetrics.Json;

    public string Task { get; } = task is ModelTasks.Threat or ModelTasks.Interaction
        ? task
        : throw new ArgumentException($"CorpusTrainer trains threat or interaction, not '{task}'.", nameof(task));

    public async Task<TrainingResult> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hp = request.ThreatHyperparameters ?? ThreatHyperparameters.Default;
        var started = timeProvider.GetUtcNow();

        progress?.Report(new TrainingProgress("read", $"reading the threat corpus ({request.TrainFiles.Count} path(s))"));
        var corpus = await ThreatCorpusReader.ReadAsync(request.TrainFiles, request.Datasets, cancellationToken);
        List<ThreatExample> train, dev;
        if (request.DevFiles.Count > 0)
        {
            train = [.. corpus.Examples];
            dev = [.. (await ThreatCorpusReader.ReadAsync(request.DevFiles, request.Datasets, cancellationToken)).Examples];
        }
        else
        {
            train = corpus.Examples.Where(e => !ThreatCorpusReader.IsDev(e)).ToList();
            dev = corpus.Examples.Where(ThreatCorpusReader.IsDev).ToList();
        }

        if (Task == ModelTasks.Interaction)
        {
            train = train.Where(e => e.Interaction.Length > 0).ToList();
            dev = dev.Where(e => e.Interaction.Length > 0).ToList();
        }

        if (request.MaxTrainExamples is { } max)
        {
            train = train.Take(max).ToList();
        }

        if (train.Count == 0)
        {
            throw new InvalidOperationException("No training examples in the threat corpus.");
        }

        var recognizer = LoadRecognizer(request.GazetteerPath, hp);
        progress?.Report(new TrainingProgress("features", $"tagging actors in {train.Count + dev.Count} examples"));
        var trainInputs = train.ConvertAll(e => new ThreatInput(e.Text, ThreatFeatures.ActorTags(recognizer, e.Text)));
        var devInputs = dev.ConvertAll(e => new ThreatInput(e.Text, ThreatFeatures.ActorTags(recognizer, e.Text)));

        var fingerprint = Fingerprint(train, request.Seed, hp);
        var version = ModelRegistry.VersionName(Task, started, fingerprint);
        var taskDir = Path.GetFullPath(Path.Combine(request.ModelsRoot, Task));
        Directory.CreateDirectory(taskDir);
        var staging = ModelRegistry.NewStagingDirectory(taskDir, version);
        Directory.CreateDirectory(staging);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var ml = new MLContext(request.Seed);
            if (Task == ModelTasks.Threat)
            {
                FitThreat(ml, hp, train, trainInputs, staging, progress, cancellationToken);
            }
            else
            {
                progress?.Report(new TrainingProgress("fit", $"interaction class on {train.Count} examples"));
                FitMulticlass(ml, hp, train, trainInputs, e => e.Interaction, ThreatLabels.Interactions, Path.Combine(staging, ModelRegistry.ModelFileName), cancellationToken);
            }

            stopwatch.Stop();
            var metrics = ModelMetrics.Header(Task, version, started, request.Seed, fingerprint, JsonSerializer.SerializeToNode(hp, Json));
            await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);

            progress?.Report(new TrainingProgress("evaluate", $"evaluating on {dev.Count} dev examples"));
            var report = new StringBuilder();
            var evaluations = new List<DevEvaluation>();
            double perSecond;
            if (Task == ModelTasks.Threat)
            {
                var model = ThreatModel.Load(staging);
                var (devEval, node, text) = EvaluateThreat(model, dev, devInputs, cancellationToken);
                evaluations.Add(devEval);
                metrics["dev"] = node;
                report.Append(text);
                perSecond = Throughput(() => model.PredictBatch(devInputs, cancellationToken), devInputs.Count);
            }
            else
            {
                var model = InteractionModel.Load(staging);
                var predicted = model.PredictBatch(devInputs, cancellationToken);
                var devReport = Evaluator.Evaluate(dev.ConvertAll(e => e.Interaction), predicted.Select(p => p.Label).ToList(), ThreatLabels.Interactions);
                var ece = Calibration.ExpectedCalibrationError(
                    predicted.Select(p => (double)p.Confidence).ToList(),
                    predicted.Select((p, i) => p.Label == dev[i].Interaction).ToList());
                evaluations.Add(new DevEvaluation("team corpus dev groups", devReport));
                metrics["dev"] = new JsonObject { ["interaction"] = JsonSerializer.SerializeToNode(devReport, Json), ["ece"] = Math.Round(ece, 4) };
                report.Append(ReportTable("Interaction class, team corpus dev groups", devReport)).Append(CultureInfo.InvariantCulture, $"\nExpected calibration error (top label, 10 bins): {ece:F3}\n");
                if (request.Datasets.TryGetValue("cameo", out var cameoPath) && File.Exists(cameoPath))
                {
                    var cameo = await CameoTsv.ReadAsync(cameoPath, cancellationToken);
                    var cameoInputs = cameo.ConvertAll(c => new ThreatInput(c.Text, ThreatFeatures.ActorTags(recognizer, c.Text)));
                    var cameoPredicted = model.PredictBatch(cameoInputs, cancellationToken);
                    var cameoReport = Evaluator.Evaluate(cameo.ConvertAll(c => c.Label), cameoPredicted.Select(p => p.Label).ToList(), ThreatLabels.Interactions);
                    evaluations.Add(new DevEvaluation("cameo-dev (evaluation only)", cameoReport));
                    metrics["cameoDev"] = JsonSerializer.SerializeToNode(cameoReport, Json);
                    report.Append('\n').Append(ReportTable($"Interaction class, CAMEO dev ({cameo.Count} real news sentences; evaluation only, never trained on)", cameoReport));
                }

                perSecond = Throughput(() => model.PredictBatch(devInputs, cancellationToken), devInputs.Count);
            }

            metrics["trainExamples"] = train.Count;
            metrics["devExamples"] = dev.Count;
            metrics["unresolvedReferences"] = corpus.UnresolvedReferences;
            metrics["trainingSeconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 2);
            metrics["batchPredictionsPerSecond"] = Math.Round(perSecond);
            var modelBytes = Directory.EnumerateFiles(staging, "*.zip").Sum(f => new FileInfo(f).Length);
            metrics["modelBytes"] = modelBytes;
            metrics["packages"] = new JsonObject
            {
                ["Microsoft.ML"] = typeof(MLContext).Assembly.GetName().Version?.ToString(),
                ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            };
            await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);
            await File.WriteAllTextAsync(
                Path.Combine(staging, ModelRegistry.CardFileName),
                Card(version, started, request, hp, fingerprint, corpus, train.Count, dev.Count, stopwatch.Elapsed, perSecond, modelBytes, report.ToString()),
                cancellationToken);

            var published = ModelRegistry.PublishVersion(request.ModelsRoot, Task, version, staging, request.Activate);
            var versionDir = published.Directory;

            progress?.Report(new TrainingProgress("done", published.AlreadyPresent ? $"identical to {versionDir}; nothing written" : $"wrote {versionDir}"));
            return new TrainingResult(Task, published.Version, versionDir, fingerprint, train.Count, evaluations, stopwatch.Elapsed, 0, perSecond, modelBytes, request.Activate);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static ActorRecognizer? LoadRecognizer(string path, ThreatHyperparameters hp)
    {
        if (!hp.ActorFeatures)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new ModelLoadException(Path.GetFullPath(path), "the gazetteer is needed for actor features (run `threatscorer gazetteer build`)");
        }

        return new ActorRecognizer(Gazetteer.Load(path));
    }

    private static void FitMulticlass(
        MLContext ml, ThreatHyperparameters hp, List<ThreatExample> examples, List<ThreatInput> inputs,
        Func<ThreatExample, string> label, IReadOnlyList<string> labels, string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rows = examples.Select((e, i) => new ThreatTextRow { Text = inputs[i].Text, Actors = inputs[i].ActorTags, Label = label(e) }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ThreatFeatures.LabelToKey(ml, labels)
            .Append(ThreatFeatures.Featurize(ml, hp))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L1Regularization = 0,
                L2Regularization = hp.L2,
                NumberOfThreads = 1,
            }));
        ModelZip.SaveNormalised(ml, pipeline.Fit(data), data.Schema, path);
    }

    // One featuriser, fitted once, feeds the level head and the seven kind heads: featurising is most of the
    // cost of prediction, so doing it once per sentence instead of eight times is the main speed lever.
    private static void FitThreat(
        MLContext ml, ThreatHyperparameters hp, List<ThreatExample> examples, List<ThreatInput> inputs, string staging,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var data = ml.Data.LoadFromEnumerable(examples.Select((e, i) => ThreatTrainRow.From(e, inputs[i])).ToList());
        progress?.Report(new TrainingProgress("fit", $"featurising {examples.Count} examples"));
        var featurizer = ThreatFeatures.Featurize(ml, hp).Fit(data);
        ModelZip.SaveNormalised(ml, featurizer, data.Schema, Path.Combine(staging, ThreatModel.FeaturizerFile));
        var featurized = ml.Data.Cache(featurizer.Transform(data));

        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new TrainingProgress("fit", $"threat level on {examples.Count} examples"));
        var level = ThreatFeatures.LabelToKey(ml, ThreatLabels.Levels)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L1Regularization = 0,
                L2Regularization = hp.L2,
                NumberOfThreads = 1,
            }))
            .Fit(featurized);
        ModelZip.SaveNormalised(ml, level, featurized.Schema, Path.Combine(staging, ThreatModel.LevelFile));

        foreach (var kind in ThreatLabels.Kinds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new TrainingProgress("fit", $"kind {kind}"));
            var head = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = ThreatTrainRow.KindColumn(kind),
                L1Regularization = 0,
                L2Regularization = hp.KindL2,
                NumberOfThreads = 1,
            }).Fit(featurized);
            ModelZip.SaveNormalised(ml, head, featurized.Schema, Path.Combine(staging, ThreatModel.KindFile(kind)));
        }
    }

    private static (DevEvaluation Eval, JsonObject Node, string Report) EvaluateThreat(
        ThreatModel model, List<ThreatExample> dev, List<ThreatInput> inputs, CancellationToken cancellationToken)
    {
        var predicted = model.PredictBatch(inputs, cancellationToken);
        var levelReport = Evaluator.Evaluate(dev.ConvertAll(e => e.Level), predicted.Select(p => p.Level).ToList(), ThreatLabels.Levels);
        var levelEce = Calibration.ExpectedCalibrationError(
            predicted.Select(p => (double)p.Levels[p.Level]).ToList(),
            predicted.Select((p, i) => p.Level == dev[i].Level).ToList());
        var threatEce = Calibration.ExpectedCalibrationError(
            predicted.Select(p => (double)p.ThreatProbability).ToList(),
            dev.ConvertAll(e => ThreatLabels.LevelRank(e.Level) >= 2));
        var text = new StringBuilder(ReportTable("Threat level, team corpus dev groups", levelReport));
        text.Append(CultureInfo.InvariantCulture, $"\nExpected calibration error (10 bins): top level {levelEce:F3}; threat score P(elevated or high) {threatEce:F3}\n\n");
        text.Append("Threat kinds (binary, threshold 0.5), team corpus dev groups:\n\n| kind | precision | recall | F1 | support | ECE |\n|---|---|---|---|---|---|\n");
        var kinds = new JsonObject();
        double f1Sum = 0;
        foreach (var kind in ThreatLabels.Kinds)
        {
            var gold = dev.ConvertAll(e => e.Kinds.Contains(kind));
            var p = predicted.Select(x => (double)x.Kinds[kind]).ToList();
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < gold.Count; i++)
            {
                var yes = p[i] >= 0.5;
                tp += yes && gold[i] ? 1 : 0;
                fp += yes && !gold[i] ? 1 : 0;
                fn += !yes && gold[i] ? 1 : 0;
            }

            var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            var ece = Calibration.ExpectedCalibrationError(p, gold);
            f1Sum += f1;
            kinds[kind] = new JsonObject
            {
                ["precision"] = Math.Round(precision, 4), ["recall"] = Math.Round(recall, 4), ["f1"] = Math.Round(f1, 4),
                ["support"] = tp + fn, ["ece"] = Math.Round(ece, 4),
            };
            text.Append(CultureInfo.InvariantCulture, $"| {kind} | {precision:F3} | {recall:F3} | {f1:F3} | {tp + fn} | {ece:F3} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nKinds macro-F1: {f1Sum / ThreatLabels.Kinds.Count:F3}\n");
        var node = new JsonObject
        {
            ["level"] = JsonSerializer.SerializeToNode(levelReport, Json),
            ["levelEce"] = Math.Round(levelEce, 4),
            ["threatScoreEce"] = Math.Round(threatEce, 4),
            ["kinds"] = kinds,
            ["kindsMacroF1"] = Math.Round(f1Sum / ThreatLabels.Kinds.Count, 4),
        };
        return (new DevEvaluation("team corpus dev groups", levelReport), node, text.ToString());
    }

    private static double Throughput(Action predict, int count)
    {
        if (count == 0)
        {
            return 0;
        }

        predict();
        var stopwatch = Stopwatch.StartNew();
        var runs = 0;
        do
        {
            predict();
            runs++;
        }
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(2));
        return runs * count / stopwatch.Elapsed.TotalSeconds;
    }

    private static string Fingerprint(List<ThreatExample> train, int seed, ThreatHyperparameters hp)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in train)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{e.Id}\t{e.Text}\t{e.Level}\t{string.Join(',', e.Kinds)}\t{e.Interaction}\n"));
        }

        sha.AppendData(Encoding.UTF8.GetBytes($"seed={seed}\nhp={JsonSerializer.Serialize(hp, Json)}"));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string ReportTable(string title, EvaluationReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{title}: macro-F1 **{report.MacroF1:F3}**, accuracy {report.Accuracy:F3} ({report.Count} examples)\n\n");
        text.Append("| class | precision | recall | F1 | support |\n|---|---|---|---|---|\n");
        foreach (var c in report.PerClass)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {c.Label} | {c.Precision:F3} | {c.Recall:F3} | {c.F1:F3} | {c.Support} |\n");
        }

        text.Append("\nConfusion matrix (rows: gold, columns: predicted, order as above):\n\n```\n");
        foreach (var row in report.ConfusionMatrix)
        {
            text.Append(string.Join(' ', row.Select(v => v.ToString(CultureInfo.InvariantCulture).PadLeft(5)))).Append('\n');
        }

        return text.Append("```\n").ToString();
    }

    private string Card(
        string version, DateTimeOffset started, TrainingRequest request, ThreatHyperparameters hp, string fingerprint,
        ThreatCorpusReader.Corpus corpus, int trainCount, int devCount, TimeSpan trainingTime, double perSecond, long modelBytes, string report)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"# Model card: {Task} — `{version}`\n\n");
        text.Append(Task == ModelTasks.Threat
            ? "Threat framing of a sentence or short passage: a four-level classifier (none / low / elevated / high; LbfgsMaximumEntropy) and one calibrated binary classifier per threat kind (LbfgsLogisticRegression with Platt calibration): armed_conflict, terrorism, civil_unrest, crime, cyber, political_instability, disaster. Articles are scored sentence by sentence and aggregated (see the README, \"Threat assessment\").\n\n"
            : "Interaction class of a sentence, as GDELT codes events (CAMEO QuadClass plus statements): statement, verbal_cooperation, material_cooperation, verbal_conflict, material_conflict (LbfgsMaximumEntropy). Used for actor-to-actor relations.\n\n");
        text.Append("Features: word 1–").Append(hp.WordNgramLength.ToString(inv)).Append("-grams and char ").Append(hp.CharNgramLength.ToString(inv))
            .Append("-grams of the text, plus actor-type tokens from the gazetteer (which kinds of actor the text names, and the kind of the first one).\n\n");
        text.Append("## Training data\n\n");
        text.Append(inv, $"The team's threat corpus (`seeds/training/threat/`, labelling guide `seeds/training/threat/GUIDE.md`): {corpus.Examples.Count} labelled examples from {corpus.Files.Count} files");
        // Referenced items are counted per dataset they come from (Source is "dataset:file" for them).
        var referenced = corpus.Examples.Where(e => e.Provenance != "team")
            .GroupBy(e => e.Source.Split(':')[0], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(inv, $"{g.Key} {g.Count()}")).ToList();
        text.Append(inv, $" ({corpus.Examples.Count(e => e.Provenance == "team")} written by the team; {corpus.Examples.Count(e => e.Provenance != "team")} third-party texts labelled by the team, stored by reference and joined from their datasets at training time: {(referenced.Count == 0 ? "none" : string.Join(", ", referenced))}");
        text.Append(corpus.UnresolvedReferences > 0
            ? string.Create(inv, $"; {corpus.UnresolvedReferences} references could not be joined because the dataset folder was not given)")
            : ")");
        text.Append(inv, $". Split by source group (about one group in five to dev): {trainCount} train, {devCount} dev. The shipped model is trained on the train groups only.\n\n");
        text.Append("Licences: team-written text, same licence as this repository. NewsMTSC (Hamborg & Donnay, EACL 2021), MIT licence, Copyright 2020 Felix Hamborg. ");
        text.Append("Every referenced dataset's licence and attribution: `seeds/training/threat/SOURCES.md`; no third-party text is stored in this repository. ");
        text.Append("CAMEO dev sentences (`--dataset cameo=…`; licence unclear) are used for evaluation only: never trained on, never copied into the repository.\n\n");
        text.Append("## Training\n\n");
        text.Append(inv, $"- Date (UTC): {started.UtcDateTime:yyyy-MM-dd HH:mm:ss}\n- Seed: {request.Seed}\n- Fingerprint (SHA-256 over the training examples, seed and hyperparameters): `{fingerprint}`\n");
        text.Append(inv, $"- Training time (all fits): {trainingTime.TotalSeconds:F1} s\n- Model size: {modelBytes / 1048576.0:F2} MiB\n- Batch predictions/s (dev set, this machine): {perSecond:F0}\n");
        text.Append(inv, $"- Hyperparameters: `{JsonSerializer.Serialize(hp)}`\n- Packages: Microsoft.ML {typeof(MLContext).Assembly.GetName().Version}; {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}\n\n");
        text.Append("## Evaluation\n\n").Append(report).Append('\n');
        text.Append("## Limitations\n\nN-gram features: the model sees words, not syntax; negation scope, irony and long-distance cues are weak spots. ");
        text.Append("The corpus is written by the team in news style; real outlets' styles vary more. Calibration is measured on the dev groups, which come from the same writers as the training data.\n");
        return text.ToString();
    }
}
