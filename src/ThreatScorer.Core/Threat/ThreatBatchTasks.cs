using System.Text.Json;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Core.Threat;

/// <summary>
/// Batch threat: lines <c>{"id","text"}</c> where text may be a sentence, a snippet or a whole article (it is
/// cleaned, split and aggregated exactly as the worker does). Output
/// <c>{"id","threat_score","threat_level","categories":{kind:p,…},"top_category"}</c>.
/// </summary>
public sealed class ThreatBatchTask(Func<ThreatModel> model, Func<ActorRecognizer> actors) : IBatchPredictionTask
{
    private readonly Lazy<ThreatModel> _model = new(model);
    private readonly Lazy<ActorRecognizer> _actors = new(actors);
    // No sentence cap: `predict` promises a whole article is scored, not its first 2,000 sentences.
    private readonly TextCleaner _cleaner = new(ArticleLimits.Default with { MaxSentences = int.MaxValue });

    public string Task => ModelTasks.Threat;

    public object ParseInput(JsonElement line) => JsonLineFields.RequiredString(line, "text");

    public IReadOnlyList<object> PredictBatch(IReadOnlyList<object> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);

        // Every sentence of every input goes through the models in one batch (a transform per call is the cost).
        var articles = new List<(CleanedArticle Cleaned, int First)>(inputs.Count);
        var sentences = new List<ThreatInput>();
        foreach (var text in inputs.Cast<string>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cleaned = _cleaner.Clean(new RawArticle { Text = text, SourcePath = "-" });
            var bySentence = _actors.Value.Recognize(cleaned.Text, cleaned.Sentences).ToLookup(m => m.SentenceIndex);
            articles.Add((cleaned, sentences.Count));
            sentences.AddRange(cleaned.Sentences.Select(s => new ThreatInput(s.Text, ThreatFeatures.ActorTags(bySentence[s.Index]))));
        }

        var predicted = _model.Value.PredictBatch(sentences, cancellationToken);
        return articles
            .Select(a => (object)ThreatFraming.Aggregate(
                a.Cleaned.Sentences, predicted.Skip(a.First).Take(a.Cleaned.Sentences.Count).ToList()))
            .ToList();
    }

    public void WritePrediction(Utf8JsonWriter json, object prediction)
    {
        ArgumentNullException.ThrowIfNull(json);
        var threat = (ThreatAssessment)prediction;
        json.WriteNumber("threat_score", threat.Score);
        json.WriteString("threat_level", threat.Level);
        json.WriteStartObject("categories");
        foreach (var kind in ThreatLabels.Kinds)
        {
            json.WriteNumber(kind, threat.Kinds[kind]);
        }

        json.WriteEndObject();
        if (threat.TopKind is null)
        {
            json.WriteNull("top_category");
        }
        else
        {
            json.WriteString("top_category", threat.TopKind);
        }
    }
}

/// <summary>Batch interaction class: lines <c>{"id","text"}</c>; output <c>{"id","label","probabilities":{…}}</c>.</summary>
public sealed class InteractionBatchTask(Func<InteractionModel> model, Func<ActorRecognizer> actors) : IBatchPredictionTask
{
    private readonly Lazy<InteractionModel> _model = new(model);
    private readonly Lazy<ActorRecognizer> _actors = new(actors);

    public string Task => ModelTasks.Interaction;

    public object ParseInput(JsonElement line) => JsonLineFields.RequiredString(line, "text");

    public IReadOnlyList<object> PredictBatch(IReadOnlyList<object> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = inputs.Cast<string>()
            .Select(text => new ThreatInput(text, _model.Value.UsesActorFeatures ? ThreatFeatures.ActorTags(_actors.Value, text) : string.Empty))
            .ToList();
        return [.. _model.Value.PredictBatch(rows, cancellationToken)];
    }

    public void WritePrediction(Utf8JsonWriter json, object prediction) => ClassPredictionJson.Write(json, (ClassPrediction)prediction);
}
