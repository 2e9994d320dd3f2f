using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Training;

/// <summary>Trains a model for one task and writes its version folder.</summary>
public interface IModelTrainer
{
    /// <summary>The <see cref="ModelTasks"/> name this trainer serves.</summary>
    string Task { get; }

    /// <summary>Trains, evaluates on each dev file, writes model.zip, metrics.json and model-card.md.</summary>
    Task<TrainingResult> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>
/// Shared training for the n-gram polarity classifiers: fingerprint, featurise, fit, save (with normalised zip
/// timestamps so equal inputs give equal bytes), reload, evaluate, measure, write card and metrics.
/// </summary>
internal abstract class PolarityTrainer<TInput, TRow>(TimeProvider timeProvider)
    where TInput : notnull
    where TRow : class, new()
{
    public abstract string Task { get; }

    protected abstract TextClassifierHyperparameters DefaultHyperparameters { get; }

    /// <summary>Text columns of <typeparamref name="TRow"/> and whether each gets char n-grams.</summary>
    protected abstract IReadOnlyList<(string Column, bool CharNgrams)> TextColumns(TextClassifierHyperparameters hp);

    /// <summary>The task's labelled examples selected from NewsMTSC records.</summary>
    protected abstract List<(TInput Input, string Label)> SelectExamples(IReadOnlyList<NewsMtscRecord> records);

    /// <summary>The featurisation row of an input, with label key and weight set.</summary>
    protected abstract TRow ToRow(TInput input, string label, float weight, TextClassifierHyperparameters hp);

    /// <summary>Reloads the saved model through the public model class (proves the saved file, not the in-memory one).</summary>
    protected abstract IPredictorUnderTest LoadSaved(string directory);

    /// <summary>Card paragraphs specific to the task (what the label means, how the data was selected).</summary>
    protected abstract string DescribeTask();

    protected abstract string DescribeData(int trainExamples, int trainRecords);

    /// <summary>
    /// Files other than the data that shape the features (stance with the target type: the gazetteer). Their bytes
    /// are part of the fingerprint and they are listed in metrics.json and the card, so a changed gazetteer makes a
    /// new version rather than a different model under the same name.
    /// </summary>
    protected virtual IReadOnlyList<string> FeatureFiles(TrainingRequest request, TextClassifierHyperparameters hp) => [];

    /// <summary>Examples beyond the gold files, and the card paragraph saying where they came from.</summary>
    protected sealed record ExtraExamples(List<(TInput Input, string Label, float Weight)> Examples, string CardText)
    {
        public static ExtraExamples None { get; } = new([], string.Empty);
    }

    /// <summary>Examples beyond the gold files (stance: teacher labels joined by reference); none by default.</summary>
    protected virtual Task<ExtraExamples> ExtraExamplesAsync(
        TrainingRequest request, TextClassifierHyperparameters hp, CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult(ExtraExamples.None);

    public async Task<TrainingResult> TrainAsync(
        TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Task != Task)
        {
            throw new ArgumentException($"This trainer trains '{Task}', not '{request.Task}'.", nameof(request));
        }

        if (request.TrainFiles.Count == 0)
        {
            throw new ArgumentException("At least one training file is needed.", nameof(request));
        }

        var hp = request.Hyperparameters ?? DefaultHyperparameters;
        var started = timeProvider.GetUtcNow();

        progress?.Report(new TrainingProgress("read", $"reading {request.TrainFiles.Count} training file(s)"));
        var trainRecords = new List<NewsMtscRecord>();
        foreach (var file in request.TrainFiles)
        {
            trainRecords.AddRange(await NewsMtscReader.ReadAsync(file, cancellationToken));
        }

        if (request.MaxTrainExamples is { } max)
        {
            trainRecords = trainRecords.Take(max).ToList();
        }

        var devSets = new List<(string File, List<(TInput Input, string Label)> Examples)>();
        foreach (var file in request.DevFiles)
        {
            devSets.Add((file, SelectExamples(await NewsMtscReader.ReadAsync(file, cancellationToken))));
        }

        var trainExamples = SelectExamples(trainRecords);
        if (trainExamples.Count == 0)
        {
            throw new InvalidOperationException("No training examples after selection.");
        }

        var counts = trainExamples.GroupBy(e => e.Label).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var trainRows = trainExamples.ConvertAll(e => ToRow(
            e.Input,
            e.Label,
            hp.BalanceClasses ? (float)trainExamples.Count / (counts.Count * counts[e.Label]) : 1f,
            hp));
        var extra = await ExtraExamplesAsync(request, hp, cancellationToken);
        trainRows.AddRange(extra.Examples.Select(e => ToRow(e.Input, e.Label, e.Weight, hp)));

        var featureFiles = FeatureFiles(request, hp);
        var fingerprint = await FingerprintAsync(request, hp, featureFiles, cancellationToken);
        var version = ModelRegistry.VersionName(Task, started, fingerprint);
        var taskDir = Path.GetFullPath(Path.Combine(request.ModelsRoot, Task));
        Directory.CreateDirectory(taskDir);
        var staging = ModelRegistry.NewStagingDirectory(taskDir, version);
        Directory.CreateDirectory(staging);
        try
        {
            progress?.Report(new TrainingProgress("fit", $"fitting on {trainRows.Count} examples"));
            cancellationToken.ThrowIfCancellationRequested();
            var ml = new MLContext(request.Seed);
            var data = ml.Data.LoadFromEnumerable(trainRows);
            var stopwatch = Stopwatch.StartNew();
            var model = BuildPipeline(ml, hp).Fit(data);
            stopwatch.Stop();
            var trainingTime = stopwatch.Elapsed;

            var modelPath = Path.Combine(staging, ModelRegistry.ModelFileName);
            ModelZip.SaveNormalised(ml, model, data.Schema, modelPath);
            var modelBytes = new FileInfo(modelPath).Length;

            // metrics.json first with what the loader needs, so the saved model can be reloaded and evaluated.
            var metrics = ModelMetrics.Header(Task, version, started, request.Seed, fingerprint, JsonSerializer.SerializeToNode(hp, JsonOptions));
            await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);

            progress?.Report(new TrainingProgress("evaluate", $"evaluating on {devSets.Count} dev file(s)"));
            var saved = LoadSaved(staging);
            var evaluations = new List<DevEvaluation>();
            foreach (var (file, examples) in devSets)
            {
                var predicted = saved.PredictBatch(examples.ConvertAll(e => e.Input), cancellationToken);
                var gold = examples.ConvertAll(e => e.Label);
                evaluations.Add(new DevEvaluation(
                    Path.GetFileName(file), Evaluator.Evaluate(gold, predicted.Select(p => p.Label).ToList(), PolarityLabels.All)));
            }

            double single = 0, batch = 0;
            if (request.MeasureThroughput)
            {
                progress?.Report(new TrainingProgress("measure", "measuring predictions per second"));
                var sample = devSets.SelectMany(d => d.Examples).DefaultIfEmpty(trainExamples[0]).Select(e => e.Input).ToList();
                (single, batch) = MeasureThroughput(saved, sample, cancellationToken);
            }

            metrics["trainExamples"] = trainRows.Count;
            if (request.DistillLabelFiles.Count > 0)
            {
                metrics["distillExamples"] = extra.Examples.Count;
                metrics["distillLabelFiles"] = TrainingFiles.Describe(request.DistillLabelFiles);
            }

            metrics["trainFiles"] = TrainingFiles.Describe(request.TrainFiles);
            if (featureFiles.Count > 0)
            {
                metrics["featureFiles"] = TrainingFiles.Describe(featureFiles);
            }

            metrics["trainingSeconds"] = Math.Round(trainingTime.TotalSeconds, 2);
            metrics["singleThreadPredictionsPerSecond"] = Math.Round(single);
            metrics["batchPredictionsPerSecond"] = Math.Round(batch);
            metrics["modelBytes"] = modelBytes;
            metrics["packages"] = new JsonObject
            {
                ["Microsoft.ML"] = MlNetVersion(),
                ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            };
            metrics["dev"] = new JsonObject(evaluations.Select(e =>
                KeyValuePair.Create(e.File, JsonSerializer.SerializeToNode(e.Report, JsonOptions))));
            await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);

            var card = ModelCard.Render(new ModelCard.Content(
                Task, version, started, request.Seed, fingerprint, hp, DescribeTask(),
                DescribeData(trainExamples.Count, trainRecords.Count) + extra.CardText, request.TrainFiles.Concat(request.DistillLabelFiles).Concat(featureFiles).ToList(), evaluations,
                trainingTime, single, batch, modelBytes, MlNetVersion(),
                System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription));
            await File.WriteAllTextAsync(Path.Combine(staging, ModelRegistry.CardFileName), card, cancellationToken);

            var published = ModelRegistry.PublishVersion(request.ModelsRoot, Task, version, staging, request.Activate);
            var versionDir = published.Directory;

            progress?.Report(new TrainingProgress("done", published.AlreadyPresent ? $"identical to {versionDir}; nothing written" : $"wrote {versionDir}"));
            return new TrainingResult(
                Task, published.Version, versionDir, fingerprint, trainRows.Count, evaluations, trainingTime, single, batch, modelBytes,
                request.Activate);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    internal static readonly JsonSerializerOptions JsonOptions = ModelMetrics.Json;

    private EstimatorChain<MulticlassPredictionTransformer<MaximumEntropyModelParameters>> BuildPipeline(MLContext ml, TextClassifierHyperparameters hp)
    {
        var columns = TextColumns(hp);
        IEstimator<ITransformer>? pipeline = null;
        var featureColumns = new List<string>();
        foreach (var (column, charNgrams) in columns)
        {
            var output = "F_" + column;
            featureColumns.Add(output);
            var options = TextFeaturizerOptions.Create(hp.WordNgramLength, charNgrams ? hp.CharNgramLength : 0, hp.MaxNgramsPerColumn);
            var step = ml.Transforms.Text.FeaturizeText(output, options, column);
            pipeline = pipeline is null ? step : pipeline.Append(step);
        }

        // Explicit key data fixes the key (and so Score slot) order to PolarityLabels.All.
        var keys = ml.Data.LoadFromEnumerable(PolarityLabels.All.Select(l => new LabelKeyRow { Label = l }));
        var withFeatures = ml.Transforms.Conversion.MapValueToKey("Label", "Label", keyData: keys)
            .Append(pipeline!)
            .Append(ml.Transforms.Concatenate("Features", featureColumns.ToArray()))
            .AppendCacheCheckpoint(ml);
        return hp.Trainer switch
        {
            "sdca" => withFeatures.Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = "Label",
                    FeatureColumnName = "Features",
                    ExampleWeightColumnName = "Weight",
                    L2Regularization = hp.L2,
                    MaximumNumberOfIterations = hp.MaxIterations,
                    // One thread: SDCA's parallel updates are not deterministic.
                    NumberOfThreads = 1,
                })),
            "lbfgs" => withFeatures.Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = "Label",
                    FeatureColumnName = "Features",
                    ExampleWeightColumnName = "Weight",
                    L1Regularization = 0,
                    L2Regularization = hp.L2 ?? 0.1f,
                    MaximumNumberOfIterations = hp.MaxIterations ?? int.MaxValue,
                    NumberOfThreads = 1,
                })),
            _ => throw new ArgumentException($"Unknown trainer '{hp.Trainer}' (use sdca or lbfgs).", nameof(hp)),
        };
    }

    private static async Task<string> FingerprintAsync(
        TrainingRequest request, TextClassifierHyperparameters hp, IReadOnlyList<string> featureFiles, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in request.TrainFiles.Concat(request.DistillLabelFiles).Concat(featureFiles))
        {
            sha.AppendData(await File.ReadAllBytesAsync(file, cancellationToken));
        }

        var settings = string.Create(
            CultureInfo.InvariantCulture,
            $"\ntask={request.Task}\nseed={request.Seed}\nmaxTrainExamples={request.MaxTrainExamples}\nhyperparameters={JsonSerializer.Serialize(hp, JsonOptions)}");
        sha.AppendData(Encoding.UTF8.GetBytes(settings));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static (double Single, double Batch) MeasureThroughput(
        IPredictorUnderTest model, List<TInput> sample, CancellationToken cancellationToken)
    {
        const int target = 20_000;
        var rows = new List<TInput>(target);
        while (rows.Count < target)
        {
            rows.AddRange(sample.Take(target - rows.Count));
        }

        // Warm-up so engine creation and JIT are not measured.
        model.PredictBatch(sample.Take(100).ToList(), cancellationToken);
        model.Predict(sample[0]);

        var stopwatch = Stopwatch.StartNew();
        foreach (var row in rows)
        {
            model.Predict(row);
        }

        var single = rows.Count / stopwatch.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        stopwatch.Restart();
        model.PredictBatch(rows, cancellationToken);
        var batch = rows.Count / stopwatch.Elapsed.TotalSeconds;
        return (single, batch);
    }

    internal static string MlNetVersion()
    {
        var assembly = typeof(MLContext).Assembly;
        var informational = assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
            .FirstOrDefault()?.InformationalVersion;
        return (informational ?? assembly.GetName().Version?.ToString() ?? "unknown").Split('+')[0];
    }

    private sealed class LabelKeyRow
    {
        public string Label { get; set; } = string.Empty;
    }

    /// <summary>The reloaded model, seen through the trainer's row type.</summary>
    protected interface IPredictorUnderTest
    {
        ClassPrediction Predict(TInput input);

        IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<TInput> inputs, CancellationToken cancellationToken);
    }
}
