using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Training;

/// <summary>What to evaluate: a task's model folder on labelled files.</summary>
/// <param name="Task">stance, sentiment, threat or interaction.</param>
/// <param name="ModelDirectory">The version folder.</param>
/// <param name="DataFiles">
/// Labelled files: NewsMTSC JSONL for stance and sentiment; threat-corpus JSONL files or folders for threat and
/// interaction; for interaction also a CAMEO-style TSV (sentence, tab, class 0–4).
/// </param>
public sealed record EvaluationRequest(string Task, string ModelDirectory, IReadOnlyList<string> DataFiles)
{
    /// <summary>Datasets for joining references in the threat corpus (name → folder).</summary>
    public IReadOnlyDictionary<string, string> Datasets { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The gazetteer, for actor features (threat, interaction) and the target type of stance models that read it;
    /// null = the gazetteer of the models root the version folder sits in (<c>&lt;root&gt;/actors/gazetteer.json</c>).
    /// </summary>
    public string? GazetteerPath { get; init; }

    /// <summary>Loads stance versions of every kind the caller carries (n-gram only when null).</summary>
    public StanceModelLoader? StanceLoader { get; init; }

    /// <summary>The gazetteer to use: <see cref="GazetteerPath"/>, else the one of the model's models root.</summary>
    public string ResolvedGazetteerPath => GazetteerPath ?? Scoring.ScoringModels.GazetteerOfModelsRoot(ModelDirectory);
}

/// <summary>
/// The outcome of evaluating a model: per-class metrics, macro-F1, accuracy, confusion matrix and the expected
/// calibration error of the top label (with the confidences, for a reliability diagram).
/// </summary>
public sealed record TaskEvaluation(
    string Task,
    string Version,
    string ModelDirectory,
    IReadOnlyList<string> DataFiles,
    EvaluationReport Report,
    double CalibrationError,
    IReadOnlyList<double> Confidence,
    IReadOnlyList<bool> Correct);

/// <summary>Evaluates any task's model on labelled data (threat: the four-level classifier).</summary>
public static class TaskEvaluator
{
    public static async Task<TaskEvaluation> EvaluateAsync(EvaluationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.DataFiles.Count == 0)
        {
            throw new ArgumentException("At least one data file is needed.", nameof(request));
        }

        var (version, gold, predicted, labels) = request.Task switch
        {
            ModelTasks.Stance => await StanceAsync(request, cancellationToken),
            ModelTasks.Sentiment => await SentimentAsync(request, cancellationToken),
            ModelTasks.Threat => await ThreatAsync(request, cancellationToken),
            ModelTasks.Interaction => await InteractionAsync(request, cancellationToken),
            _ => throw new ArgumentException($"Unknown task '{request.Task}'; known: {string.Join(", ", ModelTasks.Known)}.", nameof(request)),
        };
        if (gold.Count == 0)
        {
            throw new InvalidOperationException($"No labelled examples in {string.Join(", ", request.DataFiles)}.");
        }

        var report = Evaluator.Evaluate(gold, predicted.Select(p => p.Label).ToList(), labels);
        var confidence = predicted.Select(p => (double)p.Confidence).ToList();
        var correct = predicted.Select((p, i) => p.Label == gold[i]).ToList();
        return new TaskEvaluation(
            request.Task, version, Path.GetFullPath(request.ModelDirectory), request.DataFiles, report,
            Threat.Calibration.ExpectedCalibrationError(confidence, correct), confidence, correct);
    }

    private static async Task<(string, List<string>, IReadOnlyList<ClassPrediction>, IReadOnlyList<string>)> StanceAsync(
        EvaluationRequest request, CancellationToken cancellationToken)
    {
        var model = (request.StanceLoader ?? StanceModelLoader.NgramOnly).Load(request.ModelDirectory, request.ResolvedGazetteerPath);
        var records = new List<NewsMtscRecord>();
        foreach (var file in request.DataFiles)
        {
            records.AddRange(await NewsMtscReader.ReadAsync(file, cancellationToken));
        }

        var predicted = model.PredictBatch(records.ConvertAll(r => new StanceInput(r.Sentence, r.From, r.To)), cancellationToken);
        return (model.Version, records.ConvertAll(r => r.Label), predicted, PolarityLabels.All);
    }

    private static async Task<(string, List<string>, IReadOnlyList<ClassPrediction>, IReadOnlyList<string>)> SentimentAsync(
        EvaluationRequest request, CancellationToken cancellationToken)
    {
        var model = SentimentModel.Load(request.ModelDirectory);
        var records = new List<NewsMtscRecord>();
        foreach (var file in request.DataFiles)
        {
            records.AddRange(await NewsMtscReader.ReadAsync(file, cancellationToken));
        }

        var examples = SentimentTrainer.AgreeingSentences(records);
        var predicted = model.PredictBatch(examples.ConvertAll(e => e.Input), cancellationToken);
        return (model.Version, examples.ConvertAll(e => e.Label), predicted, PolarityLabels.All);
    }

    private static async Task<(string, List<string>, IReadOnlyList<ClassPrediction>, IReadOnlyList<string>)> ThreatAsync(
        EvaluationRequest request, CancellationToken cancellationToken)
    {
        var model = ThreatModel.Load(request.ModelDirectory);
        var corpus = await ThreatCorpusReader.ReadAsync(request.DataFiles, request.Datasets, cancellationToken);
        var recognizer = model.UsesActorFeatures ? new ActorRecognizer(Gazetteer.Load(request.ResolvedGazetteerPath)) : null;
        var predicted = model.PredictBatch(
            corpus.Examples.Select(e => new ThreatInput(e.Text, ThreatFeatures.ActorTags(recognizer, e.Text))).ToList(), cancellationToken);
        var asClasses = predicted.Select(p => new ClassPrediction(p.Level, p.Levels)).ToList();
        return (model.Version, corpus.Examples.Select(e => e.Level).ToList(), asClasses, ThreatLabels.Levels);
    }

    private static async Task<(string, List<string>, IReadOnlyList<ClassPrediction>, IReadOnlyList<string>)> InteractionAsync(
        EvaluationRequest request, CancellationToken cancellationToken)
    {
        var model = InteractionModel.Load(request.ModelDirectory);
        var recognizer = model.UsesActorFeatures ? new ActorRecognizer(Gazetteer.Load(request.ResolvedGazetteerPath)) : null;
        var examples = new List<(string Text, string Label)>();
        var corpusPaths = new List<string>();
        foreach (var file in request.DataFiles)
        {
            if (file.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
            {
                examples.AddRange(await CameoTsv.ReadAsync(file, cancellationToken));
            }
            else
            {
                corpusPaths.Add(file);
            }
        }

        if (corpusPaths.Count > 0)
        {
            var corpus = await ThreatCorpusReader.ReadAsync(corpusPaths, request.Datasets, cancellationToken);
            examples.AddRange(corpus.Examples.Where(e => e.Interaction.Length > 0).Select(e => (e.Text, e.Interaction)));
        }

        var predicted = model.PredictBatch(
            examples.ConvertAll(e => new ThreatInput(e.Text, ThreatFeatures.ActorTags(recognizer, e.Text))), cancellationToken);
        return (model.Version, examples.ConvertAll(e => e.Label), predicted, ThreatLabels.Interactions);
    }
}
