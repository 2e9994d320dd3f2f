using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Training;

/// <summary>Trains the target-dependent stance model on NewsMTSC-format data.</summary>
public sealed class StanceTrainer(TimeProvider timeProvider) : IModelTrainer
{
    /// <inheritdoc />
    public string Task => ModelTasks.Stance;

    /// <inheritdoc />
    public Task<TrainingResult> TrainAsync(
        TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var types = (request.Hyperparameters ?? TextClassifierHyperparameters.StanceDefault).TargetType == true
            ? StanceTargetTypes.Load(request.GazetteerPath, cacheSentences: true)
            : null;
        return new Core(timeProvider, types, request.GazetteerPath).TrainAsync(request, progress, cancellationToken);
    }

    private sealed class Core(TimeProvider timeProvider, StanceTargetTypes? types, string gazetteerPath) : PolarityTrainer<StanceInput, StanceRow>(timeProvider)
    {
        public override string Task => ModelTasks.Stance;

        protected override TextClassifierHyperparameters DefaultHyperparameters => TextClassifierHyperparameters.StanceDefault;

        protected override IReadOnlyList<(string Column, bool CharNgrams)> TextColumns(TextClassifierHyperparameters hp) =>
            hp.WindowWords > 0
                ? [("Marked", true), ("Left", false), ("Right", false), ("Mention", true)]
                : [("Marked", true), ("Mention", true)];

        protected override List<(StanceInput Input, string Label)> SelectExamples(IReadOnlyList<NewsMtscRecord> records) =>
            records.Select(r => (Typed(new StanceInput(r.Sentence, r.From, r.To)), r.Label)).ToList();

        private StanceInput Typed(StanceInput input) => types is null ? input : types.Annotate(input);

        protected override StanceRow ToRow(StanceInput input, string label, float weight, TextClassifierHyperparameters hp)
        {
            var row = TextFeatures.Stance(input, new StanceFeatures(hp.WindowWords, hp.MarkedWindowWords, hp.MaskTarget, hp.TargetType == true));
            row.Label = label;
            row.Weight = weight;
            return row;
        }

        protected override async Task<List<(StanceInput Input, string Label, float Weight)>> ExtraExamplesAsync(
            TrainingRequest request, TextClassifierHyperparameters hp, CancellationToken cancellationToken)
        {
            var labels = new List<PoolLabel>();
            foreach (var file in request.DistillLabelFiles)
            {
                labels.AddRange(await DistillationPool.ReadLabelsAsync(file, cancellationToken));
            }

            if (labels.Count == 0)
            {
                return [];
            }

            var resolved = await DistillationPool.ResolveAsync(labels, request.Datasets, cancellationToken);
            var weight = hp.DistillWeight ?? 1f;
            var minimum = hp.DistillMinConfidence ?? 0f;
            var kept = resolved.Where(r => r.Label.Confidence >= minimum).ToList();
            _labelsPerDataset = resolved.GroupBy(r => r.Label.Mention.Dataset, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, kept.Count(k => k.Label.Mention.Dataset == g.Key), g.Count()))
                .ToList();
            return hp.DistillSoft == true
                ? kept.SelectMany(r => PolarityLabels.All.Select((label, i) => (Typed(r.Input), label, weight * r.Label.Probabilities[i])))
                    .Where(e => e.Item3 > 0)
                    .ToList()
                : kept.Select(r => (Typed(r.Input), r.Label.Label, weight * r.Label.Confidence)).ToList();
        }

        private List<(string Dataset, int Used, int Read)> _labelsPerDataset = [];

        protected override IReadOnlyList<string> FeatureFiles(TrainingRequest request, TextClassifierHyperparameters hp) =>
            hp.TargetType == true ? [request.GazetteerPath] : [];

        protected override string DescribeExtraSources() =>
            _labelsPerDataset.Count == 0
                ? string.Empty
                : "\n\nThe teacher's labels by dataset (the text stays in the dataset; only references are stored):\n\n"
                  + string.Concat(_labelsPerDataset.Select(d => string.Create(
                      System.Globalization.CultureInfo.InvariantCulture, $"- `{d.Dataset}`: {d.Used} mentions{(d.Used < d.Read ? $" (of {d.Read} read; the rest under the confidence floor)" : string.Empty)} — {ModelCard.PoolDatasetProvenance(d.Dataset)}\n")));

        protected override IPredictorUnderTest LoadSaved(string directory) => new Saved(StanceModel.Load(directory, gazetteerPath));

        protected override string DescribeTask() => """
            Target-dependent stance: the polarity of a sentence toward one mention in it (an actor, given by char offsets
            `from`..`to`, `to` exclusive). Features: the sentence with the target wrapped in marker words, the words
            left and right of the target (each its own column) and the mention text, as word and char n-grams, into a
            linear maximum-entropy classifier. Fast (thousands of predictions/s on one core) but shallow: it sees
            n-grams, not syntax; sarcasm, reported speech and long-distance cues are weak spots.
            """;

        protected override string DescribeData(int trainExamples, int trainRecords) =>
            $"Every target mention is one example ({trainExamples} gold examples; a file given twice, as marked below, counts twice): the NewsMTSC train split and, "
            + "when given, the team's own stance sentences in the same format (seeds/training/stance, written by the team; "
            + "see its README: protector versus threat, victims, accusations, ordinary news). "
            + "Evaluated on NewsMTSC dev-rw (real-world distribution) and dev-mt (sentences with several targets); "
            + "the NewsMTSC test split was not available.";

        private sealed class Saved(StanceModel model) : IPredictorUnderTest
        {
            public ClassPrediction Predict(StanceInput input) => model.Predict(input);

            public IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<StanceInput> inputs, CancellationToken cancellationToken) =>
                model.PredictBatch(inputs, cancellationToken);
        }
    }
}
