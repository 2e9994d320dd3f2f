using ThreatScorer.Core.Storage;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Web.Exports;

/// <summary>The type of an export column: decides the Parquet type; CSV and JSONL follow it too.</summary>
internal enum ColumnType
{
    Text,
    Number,
    Integer,
    Time,
    Boolean,
}

/// <summary>One export column: a name, a type and how to read it from a row.</summary>
internal sealed record ExportColumn<T>(string Name, ColumnType Type, Func<T, object?> Value);

/// <summary>
/// The columns of each export table, defined once so CSV, JSONL and Parquet carry exactly the same ones
/// (nothing dropped: url, source and language included).
/// </summary>
internal static class ExportColumns
{
    public static IReadOnlyList<ExportColumn<ArticleExportRow>> Articles { get; } =
    [
        new("id", ColumnType.Text, r => r.Id),
        new("version", ColumnType.Integer, r => r.Version),
        new("title", ColumnType.Text, r => r.Title),
        new("url", ColumnType.Text, r => r.Url),
        new("source", ColumnType.Text, r => r.Source),
        new("language", ColumnType.Text, r => r.Language),
        new("external_id", ColumnType.Text, r => r.ExternalId),
        new("published_at", ColumnType.Time, r => r.PublishedAt),
        new("ingested_at", ColumnType.Time, r => r.IngestedAt),
        new("scored_at", ColumnType.Time, r => r.ScoredAt),
        new("model_version", ColumnType.Text, r => r.ModelVersion),
        new("stance_model", ColumnType.Text, r => r.StanceModel),
        new("sentiment_model", ColumnType.Text, r => r.SentimentModel),
        new("threat_model", ColumnType.Text, r => r.ThreatModel),
        new("interaction_model", ColumnType.Text, r => r.InteractionModel),
        new("threat_level", ColumnType.Text, r => r.ThreatLevel),
        new("threat_score", ColumnType.Number, r => r.ThreatScore),
        new("top_kind", ColumnType.Text, r => r.TopKind),
        .. ThreatLabels.Kinds.Select((kind, i) =>
            new ExportColumn<ArticleExportRow>("kind_" + kind, ColumnType.Number, r => r.KindProbabilities[i])),
        new("sentiment_label", ColumnType.Text, r => r.SentimentLabel),
        new("sentiment_score", ColumnType.Number, r => r.SentimentScore),
        new("actor_count", ColumnType.Integer, r => r.ActorCount),
        new("corrected_threat_level", ColumnType.Text, r => r.CorrectedThreatLevel),
        new("corrected_threat_kinds", ColumnType.Text, r => r.CorrectedThreatKinds),
        new("correction_count", ColumnType.Integer, r => r.CorrectionCount),
    ];

    public static IReadOnlyList<ExportColumn<StanceExportRow>> Stances { get; } =
    [
        new("article_id", ColumnType.Text, r => r.ArticleId),
        new("article_version", ColumnType.Integer, r => r.ArticleVersion),
        new("model_version", ColumnType.Text, r => r.ModelVersion),
        new("actor_id", ColumnType.Text, r => r.ActorId),
        new("actor_name", ColumnType.Text, r => r.ActorName),
        new("actor_type", ColumnType.Text, r => r.ActorType),
        new("country", ColumnType.Text, r => r.Country),
        new("is_listed", ColumnType.Boolean, r => r.IsListed),
        new("stance_label", ColumnType.Text, r => r.Label),
        new("stance_score", ColumnType.Number, r => r.Score),
        new("mention_count", ColumnType.Integer, r => r.MentionCount),
        new("corrected_stance", ColumnType.Text, r => r.CorrectedLabel),
    ];

    public static IReadOnlyList<ExportColumn<CorrectionExport>> Corrections { get; } =
    [
        new("correction_id", ColumnType.Integer, r => (int)r.Correction.Id),
        new("article_id", ColumnType.Text, r => r.Correction.ArticleId),
        new("article_version", ColumnType.Integer, r => r.Correction.ArticleVersion),
        new("title", ColumnType.Text, r => r.Title),
        new("url", ColumnType.Text, r => r.Url),
        new("field", ColumnType.Text, r => r.Correction.Field),
        new("actor_id", ColumnType.Text, r => r.Correction.ActorId),
        new("machine_value", ColumnType.Text, r => r.MachineValue),
        new("corrected_value", ColumnType.Text, r => r.Correction.Value),
        new("comment", ColumnType.Text, r => r.Correction.Comment),
        new("author", ColumnType.Text, r => r.Correction.Author),
        new("created_at", ColumnType.Time, r => r.Correction.CreatedAt),
    ];
}
