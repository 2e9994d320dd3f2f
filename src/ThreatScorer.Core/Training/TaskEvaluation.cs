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

    /// <summary>
    /// Threat and interaction: also score the corpus's train groups (optimistic: the model was fitted on them). By
    /// default only the dev groups (<see cref="ThreatCorpusReader.IsDevGroup"/>) are scored.
    /// </summary>
    public bool IncludeTrainGroups { get; init; }

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
    IReadOnlyList<bool> Correct)
{
    /// <summary>
    /// Threat and interaction: the report per part of the data (team dev, each real-text file, each CAMEO TSV), in
    /// that order; empty for stance and sentiment.
    /// </summary>
    public IReadOnlyList<EvaluationPart> Parts { get; init; } = [];

    /// <summary>Whether train groups of the threat corpus were scored too (<see cref="EvaluationRequest.IncludeTrainGroups"/>).</summary>
    public bool IncludesTrainGroups { get; init; }

    /// <summary>Threat corpus examples of train groups left out of the scores (0 when they were included).</summary>
    public int TrainGroupExamplesLeftOut { get; init; }

    /// <summary>Threat: the kinds macro-F1 over all scored examples (7 binary kinds, threshold 0.5).</summary>
    public double? KindsMacroF1 { get; init; }

    /// <summary>Threat: the keyword baseline's thresholds, chosen on the train groups of the data; null without any.</summary>
    public ThreatKeywordThresholds? KeywordThresholds { get; init; }
}

/// <summary>
/// The evaluation of one part of the data (e.g. <c>team</c> dev groups, <c>r-cep</c> dev groups).
/// </summary>
/// <param name="Name">The part: <see cref="ThreatCorpusReader.PartName"/>, or <c>tsv:FILE</c> for a CAMEO TSV.</param>
/// <param name="Report">The level (threat) or class (interaction) report on the part.</param>
public sealed record EvaluationPart(string Name, EvaluationReport Report)
{
    /// <summary>Threat: the kinds macro-F1 on the part.</summary>
    public double? KindsMacroF1 { get; init; }

    /// <summary>Threat: ROC AUC of the model's P(elevated or high) for gold elevated-or-high; null with one class only.</summary>
    public double? ThreatAuc { get; init; }

    /// <summary>Threat: the keyword baseline's level report on the part (null without train data to fit it on).</summary>
    public EvaluationReport? KeywordReport { get; init; }

    /// <summary>Threat: ROC AUC of the keyword rate for gold elevated-or-high; null with one class only.</summary>
    public double? KeywordThreatAuc { get; init; }

    /// <summary>Threat: ROC AUC of the model's P(high) for gold high (e.g. deadly raids vs detentions); null with one class only.</summary>
    public double? HighAuc { get; init; }

    /// <summary>Threat: ROC AUC of the keyword rate for gold high; null with one class only.</summary>
    public double? KeywordHighAuc { get; init; }
}

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

        return request.Task switch
        {
            ModelTasks.Stance => Plain(request, await StanceAsync(request, cancellationToken)),
            ModelTasks.Sentiment => Plain(request, await SentimentAsync(request, cancellationToken)),
            ModelTasks.Threat => await ThreatAsync(request, cancellationToken),
            ModelTasks.Interaction => await InteractionAsync(request, cancellationToken),
            _ => throw new ArgumentException($"Unknown task '{request.Task}'; known: {string.Join(", ", ModelTasks.Known)}.", nameof(request)),
        };
    }

    private static TaskEvaluation Plain(
        EvaluationRequest request, (string Version, List<string> Gold, IReadOnlyList<ClassPrediction> Predicted, IReadOnlyList<string> Labels) scored)
    {
        var (version, gold, predicted, labels) = scored;
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

    /// <summary>Which corpus examples are scored: dev groups only, unless the request includes train groups.</summary>
    private static (List<ThreatExample> Scored, List<ThreatExample> Train) Split(EvaluationRequest request, IEnumerable<ThreatExample> examples)
    {
        var all = examples.ToList();
        var train = all.Where(e => !ThreatCorpusReader.IsDev(e)).ToList();
        return (request.IncludeTrainGroups ? all : all.Where(ThreatCorpusReader.IsDev).ToList(), train);
    }

    private static void RequireExamples(EvaluationRequest request, int count, int leftOut)
    {
        if (count == 0)
        {
            throw new InvalidOperationException(leftOut > 0
                ? $"No dev-group examples in {string.Join(", ", request.DataFiles)} ({leftOut} train-group examples left out; include them explicitly to score them)."
                : $"No labelled examples in {string.Join(", ", request.DataFiles)}.");
        }
    }

    /// <summary>Parts in report order: team, then real-text parts, then TSV files, each in ordinal order.</summary>
    private static IEnumerable<IGrouping<string, int>> PartsOf(List<string> partOf) =>
        Enumerable.Range(0, partOf.Count).GroupBy(i => partOf[i], StringComparer.Ordinal)
            .OrderBy(g => g.Key == ThreatCorpusReader.TeamPart ? 0 : g.Key.StartsWith("tsv:", StringComparison.Ordinal) ? 2 : 1)
            .ThenBy(g => g.Key, StringComparer.Ordinal);

    private static double KindsMacroF1(List<ThreatExample> gold, IReadOnlyList<SentenceThreat> predicted)
    {
        double sum = 0;
        foreach (var kind in ThreatLabels.Kinds)
        {
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < gold.Count; i++)
            {
                var yes = predicted[i].Kinds[kind] >= 0.5;
                var isKind = gold[i].Kinds.Contains(kind);
                tp += yes && isKind ? 1 : 0;
                fp += yes && !isKind ? 1 : 0;
                fn += !yes && isKind ? 1 : 0;
            }

            var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }

        return sum / ThreatLabels.Kinds.Count;
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

    private static async Task<TaskEvaluation> ThreatAsync(EvaluationRequest request, CancellationToken cancellationToken)
    {
        var model = ThreatModel.Load(request.ModelDirectory);
        var corpus = await ThreatCorpusReader.ReadAsync(request.DataFiles, request.Datasets, cancellationToken);
        var (examples, train) = Split(request, corpus.Examples);
        var leftOut = corpus.Examples.Count - examples.Count;
        RequireExamples(request, examples.Count, leftOut);
        var recognizer = model.UsesActorFeatures ? new ActorRecognizer(Gazetteer.Load(request.ResolvedGazetteerPath)) : null;
        var predicted = model.PredictBatch(
            examples.Select(e => new ThreatInput(e.Text, ThreatFeatures.ActorTags(recognizer, e.Text))).ToList(), cancellationToken);
        var gold = examples.ConvertAll(e => e.Level);
        var report = Evaluator.Evaluate(gold, predicted.Select(p => p.Level).ToList(), ThreatLabels.Levels);
        var confidence = predicted.Select(p => (double)p.Levels[p.Level]).ToList();
        var correct = predicted.Select((p, i) => p.Level == gold[i]).ToList();
        var thresholds = ThreatKeywordBaseline.Fit(train);
        var rates = examples.ConvertAll(e => ThreatKeywordBaseline.Rate(e.Text));
        var parts = new List<EvaluationPart>();
        foreach (var part in PartsOf(examples.ConvertAll(ThreatCorpusReader.PartName)))
        {
            var idx = part.ToList();
            var partGold = idx.ConvertAll(i => gold[i]);
            var isThreat = idx.ConvertAll(i => ThreatLabels.LevelRank(gold[i]) >= 2);
            var isHigh = idx.ConvertAll(i => gold[i] == ThreatLabels.High);
            parts.Add(new EvaluationPart(part.Key, Evaluator.Evaluate(partGold, idx.ConvertAll(i => predicted[i].Level), ThreatLabels.Levels))
            {
                KindsMacroF1 = KindsMacroF1(idx.ConvertAll(i => examples[i]), idx.ConvertAll(i => predicted[i])),
                ThreatAuc = ThreatKeywordBaseline.Auc(idx.ConvertAll(i => (double)predicted[i].ThreatProbability), isThreat),
                KeywordReport = thresholds is null ? null : Evaluator.Evaluate(partGold, idx.ConvertAll(i => thresholds.Level(rates[i])), ThreatLabels.Levels),
                KeywordThreatAuc = ThreatKeywordBaseline.Auc(idx.ConvertAll(i => rates[i]), isThreat),
                HighAuc = ThreatKeywordBaseline.Auc(idx.ConvertAll(i => (double)predicted[i].Levels.GetValueOrDefault(ThreatLabels.High)), isHigh),
                KeywordHighAuc = ThreatKeywordBaseline.Auc(idx.ConvertAll(i => rates[i]), isHigh),
            });
        }

        return new TaskEvaluation(
            request.Task, model.Version, Path.GetFullPath(request.ModelDirectory), request.DataFiles, report,
            Threat.Calibration.ExpectedCalibrationError(confidence, correct), confidence, correct)
        {
            Parts = parts,
            IncludesTrainGroups = request.IncludeTrainGroups,
            TrainGroupExamplesLeftOut = leftOut,
            KindsMacroF1 = KindsMacroF1(examples, predicted),
            KeywordThresholds = thresholds,
        };
    }

    private static async Task<TaskEvaluation> InteractionAsync(EvaluationRequest request, CancellationToken cancellationToken)
    {
        var model = InteractionModel.Load(request.ModelDirectory);
        var recognizer = model.UsesActorFeatures ? new ActorRecognizer(Gazetteer.Load(request.ResolvedGazetteerPath)) : null;
        var examples = new List<(string Text, string Label, string Part)>();
        var corpusPaths = new List<string>();
        foreach (var file in request.DataFiles)
        {
            if (file.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
            {
                // A CAMEO TSV is evaluation data as a whole (no train/dev groups).
                examples.AddRange((await CameoTsv.ReadAsync(file, cancellationToken)).Select(e => (e.Text, e.Label, "tsv:" + Path.GetFileName(file))));
            }
            else
            {
                corpusPaths.Add(file);
            }
        }

        var leftOut = 0;
        if (corpusPaths.Count > 0)
        {
            var corpus = await ThreatCorpusReader.ReadAsync(corpusPaths, request.Datasets, cancellationToken);
            var labelled = corpus.Examples.Where(e => e.Interaction.Length > 0).ToList();
            var (scored, _) = Split(request, labelled);
            leftOut = labelled.Count - scored.Count;
            examples.AddRange(scored.Select(e => (e.Text, e.Interaction, ThreatCorpusReader.PartName(e))));
        }

        RequireExamples(request, examples.Count, leftOut);
        var predicted = model.PredictBatch(
            examples.ConvertAll(e => new ThreatInput(e.Text, ThreatFeatures.ActorTags(recognizer, e.Text))), cancellationToken);
        var gold = examples.ConvertAll(e => e.Label);
        var report = Evaluator.Evaluate(gold, predicted.Select(p => p.Label).ToList(), ThreatLabels.Interactions);
        var confidence = predicted.Select(p => (double)p.Confidence).ToList();
        var correct = predicted.Select((p, i) => p.Label == gold[i]).ToList();
        var parts = PartsOf(examples.ConvertAll(e => e.Part))
            .Select(part => new EvaluationPart(
                part.Key,
                Evaluator.Evaluate(part.Select(i => gold[i]).ToList(), part.Select(i => predicted[i].Label).ToList(), ThreatLabels.Interactions)))
            .ToList();
        return new TaskEvaluation(
            request.Task, model.Version, Path.GetFullPath(request.ModelDirectory), request.DataFiles, report,
            Threat.Calibration.ExpectedCalibrationError(confidence, correct), confidence, correct)
        {
            Parts = parts,
            IncludesTrainGroups = request.IncludeTrainGroups,
            TrainGroupExamplesLeftOut = leftOut,
        };
    }
}
