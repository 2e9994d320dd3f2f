using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Training;

/// <summary>
/// Trains the sentence-level sentiment model. NewsMTSC has no sentence labels, so a sentence is an example only
/// when all its annotated mentions share one polarity (then that polarity describes the sentence's tone toward
/// everyone in it); sentences with mixed mentions are dropped.
/// </summary>
public sealed class SentimentTrainer(TimeProvider timeProvider) : IModelTrainer
{
    private readonly Core _core = new(timeProvider);

    /// <inheritdoc />
    public string Task => ModelTasks.Sentiment;

    /// <inheritdoc />
    public Task<TrainingResult> TrainAsync(
        TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        _core.TrainAsync(request, progress, cancellationToken);

    /// <summary>Sentences whose mentions all agree in polarity, with that polarity, in first-seen order.</summary>
    internal static List<(string Input, string Label)> AgreeingSentences(IReadOnlyList<NewsMtscRecord> records)
    {
        var order = new List<string>();
        var labels = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (!labels.TryGetValue(record.Sentence, out var set))
            {
                set = [];
                labels[record.Sentence] = set;
                order.Add(record.Sentence);
            }

            set.Add(record.Label);
        }

        return order.Where(s => labels[s].Count == 1).Select(s => (s, labels[s].First())).ToList();
    }

    private sealed class Core(TimeProvider timeProvider) : PolarityTrainer<string, SentimentRow>(timeProvider)
    {
        public override string Task => ModelTasks.Sentiment;

        protected override TextClassifierHyperparameters DefaultHyperparameters => TextClassifierHyperparameters.SentimentDefault;

        protected override IReadOnlyList<(string Column, bool CharNgrams)> TextColumns(TextClassifierHyperparameters hp) =>
            [("Text", true)];

        protected override List<(string Input, string Label)> SelectExamples(IReadOnlyList<NewsMtscRecord> records) =>
            AgreeingSentences(records);

        protected override SentimentRow ToRow(string input, string label, float weight, TextClassifierHyperparameters hp) =>
            new() { Text = input, Label = label, Weight = weight };

        protected override IPredictorUnderTest LoadSaved(string directory) => new Saved(SentimentModel.Load(directory));

        protected override string DescribeTask() => """
            Sentence-level sentiment of news text: negative / neutral / positive with a score in −1..1
            (P(positive) − P(negative)). Word and char n-grams into a linear maximum-entropy classifier.
            `SentimentModel.Aggregate` turns sentence predictions into an article label: weighted mean of sentence
            scores (title ×2, next two sentences ×1.5, rest ×1 unless weights are given), positive at ≥ 0.15,
            negative at ≤ −0.15, else neutral.
            """;

        protected override string DescribeData(int trainExamples, int trainRecords) =>
            $"Derived from NewsMTSC (target-dependent): lines are grouped by sentence text and a sentence is kept, "
            + $"with that label, only if all its mentions share one polarity; mixed sentences are dropped. "
            + $"{trainExamples} sentences from {trainRecords} train lines. Dev sets are built the same way from "
            + "dev-rw and dev-mt (dev-mt keeps few sentences: it was built from multi-target sentences). Caveat: the "
            + "labels are the tone toward the people mentioned, which is close to but not the same as overall sentence "
            + "sentiment; political news only.";

        private sealed class Saved(SentimentModel model) : IPredictorUnderTest
        {
            public ClassPrediction Predict(string input) => model.Predict(input);

            public IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<string> inputs, CancellationToken cancellationToken) =>
                model.PredictBatch(inputs, cancellationToken);
        }
    }
}
