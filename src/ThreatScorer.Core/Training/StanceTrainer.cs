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

        protected override async Task<ExtraExamples> ExtraExamplesAsync(
            TrainingRequest request, TextClassifierHyperparameters hp, CancellationToken cancellationToken)
        {
            var labels = new List<PoolLabel>();
            foreach (var file in request.DistillLabelFiles)
            {
                labels.AddRange(await DistillationPool.ReadLabelsAsync(file, cancellationToken));
            }

            if (labels.Count == 0)
            {
                return ExtraExamples.None;
            }

            var resolved = await DistillationPool.ResolveAsync(labels, request.Datasets, cancellationToken);
            var weight = hp.DistillWeight ?? 1f;
            var minimum = hp.DistillMinConfidence ?? 0f;
            var kept = resolved.Where(r => r.Label.Confidence >= minimum).ToList();
            var examples = hp.DistillSoft == true
                ? kept.Select(r => (Input: Typed(r.Input), r.Label))
                    .SelectMany(r => PolarityLabels.All.Select((label, i) => (r.Input, label, weight * r.Label.Probabilities[i])))
                    .Where(e => e.Item3 > 0)
                    .ToList()
                : kept.Select(r => (Typed(r.Input), r.Label.Label, weight * r.Label.Confidence)).ToList();
            return new ExtraExamples(examples, DescribeDistillation(request, hp, examples.Count, resolved, kept));
        }

        // The card's account of the teacher's examples: how they were weighted, and each dataset with its licence.
        private static string DescribeDistillation(
            TrainingRequest request, TextClassifierHyperparameters hp, int examples,
            List<(StanceInput Input, PoolLabel Label)> resolved, List<(StanceInput Input, PoolLabel Label)> kept)
        {
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            var text = new System.Text.StringBuilder();
            text.Append(inv, $"\n\nDistillation: {examples} more examples come from a teacher's labels on {request.DistillLabelFiles.Count} label file(s) of unlabelled real sentences (stored by reference: dataset, id, offsets, sentence hash; joined with the text at training time), weight {hp.DistillWeight ?? 1f} each, {(hp.DistillSoft == true ? "soft: one example per class × the teacher's probability" : "hard: the teacher's label × its confidence")}, labels under confidence {hp.DistillMinConfidence ?? 0f} dropped. Label files: {string.Join(", ", request.DistillLabelFiles.Select(Path.GetFileName))}.");
            text.Append("\n\nThe teacher's labels by dataset (the text stays in the dataset; only references are stored):\n\n");
            foreach (var dataset in resolved.GroupBy(r => r.Label.Mention.Dataset, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var used = kept.Count(k => k.Label.Mention.Dataset == dataset.Key);
                text.Append(inv, $"- `{dataset.Key}`: {used} mentions")
                    .Append(used < dataset.Count() ? string.Create(inv, $" (of {dataset.Count()} read; the rest under the confidence floor)") : string.Empty)
                    .Append(inv, $" — {ModelCard.PoolDatasetProvenance(dataset.Key)}\n");
            }

            return text.ToString();
        }

        protected override IReadOnlyList<string> FeatureFiles(TrainingRequest request, TextClassifierHyperparameters hp) =>
            hp.TargetType == true ? [request.GazetteerPath] : [];

        protected override IPredictorUnderTest LoadSaved(string directory) => new Saved(StanceModel.Load(directory, gazetteerPath));

        protected override string DescribeTask() => """
            Target-dependent stance: the polarity of a sentence toward one mention in it (an actor, given by char offsets
            `from`..`to`, `to` exclusive). Features: the sentence with the target wrapped in marker words, the words
            left and right of the target (each its own column) and the mention text, as word and char n-grams, into a
            linear maximum-entropy classifier. Fast (thousands of predictions/s on one core) but shallow: it sees
            n-grams, not syntax; sarcasm, reported speech and long-distance cues are weak spots.
            """;

        protected override string DescribeData(int trainExamples, int trainRecords) =>
            $"Every target mention is one example ({trainExamples} gold examples; a file given more than once counts each time, as marked below): the NewsMTSC train split and, "
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
