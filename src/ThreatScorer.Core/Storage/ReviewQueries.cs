using System.Globalization;
using System.Text;

namespace ThreatScorer.Core.Storage;

/// <summary>How the review list is ordered.</summary>
public enum ReviewSort
{
    /// <summary>Newest first by published time (ingest time when the article has none).</summary>
    Newest,

    /// <summary>Oldest first.</summary>
    Oldest,

    /// <summary>Highest threat score first.</summary>
    Threat,
}

/// <summary>
/// What an analyst filters the scored articles by. Every value is optional; each one given narrows the list.
/// The same filter drives the list, its pages and every export, so an export is exactly the view.
/// </summary>
public sealed record ReviewFilter
{
    /// <summary>Threat level (none, low, elevated, high).</summary>
    public string? Level { get; init; }

    public double? MinScore { get; init; }

    public double? MaxScore { get; init; }

    /// <summary>Threat kind: the article's top kind, or any kind with probability ≥ <see cref="KindThreshold"/>.</summary>
    public string? Kind { get; init; }

    /// <summary>Actor id (gazetteer code, e.g. RUS): the article names this actor.</summary>
    public string? Actor { get; init; }

    /// <summary>Stance label (negative, neutral, positive) toward <see cref="Actor"/>, or toward any actor when none is given.</summary>
    public string? Stance { get; init; }

    public string? Source { get; init; }

    public string? Language { get; init; }

    /// <summary>Inclusive lower bound on the article's date (published, else ingested).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on the article's date.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Free text, matched case-insensitively in the title and the text.</summary>
    public string? Text { get; init; }

    public ReviewSort Sort { get; init; } = ReviewSort.Newest;

    /// <summary>Kind probability from which an article counts as being of that kind.</summary>
    public const double KindThreshold = 0.5;
}

/// <summary>One row of the review list: the article and its current machine score, plus any analyst correction.</summary>
public sealed record ReviewRow
{
    public required string Id { get; init; }
    public required int Version { get; init; }
    public string? Title { get; init; }
    public string? Url { get; init; }
    public string? Source { get; init; }
    public string? Language { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public required DateTimeOffset IngestedAt { get; init; }
    public required DateTimeOffset ScoredAt { get; init; }
    public required string ModelVersion { get; init; }
    public string? ThreatLevel { get; init; }
    public required double ThreatScore { get; init; }
    public string? TopKind { get; init; }
    public required string SentimentLabel { get; init; }
    public required double SentimentScore { get; init; }

    /// <summary>The analyst's threat level when one was set (the latest correction wins).</summary>
    public string? CorrectedLevel { get; init; }

    public int CorrectionCount { get; init; }
}

/// <summary>A page of the review list. <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record ReviewPage(IReadOnlyList<ReviewRow> Rows, long Total, string? NextCursor);

/// <summary>The fields an analyst can correct.</summary>
public static class CorrectionFields
{
    public const string ThreatLevel = "threat_level";
    public const string ThreatKinds = "threat_kinds";
    public const string ActorStance = "actor_stance";

    public static IReadOnlyList<string> All { get; } = [ThreatLevel, ThreatKinds, ActorStance];
}

/// <summary>An analyst's correction of one machine score, stored apart from it.</summary>
public sealed record Correction
{
    /// <summary>Longest comment stored (characters): a note, not a document.</summary>
    public const int MaxCommentLength = 4000;

    /// <summary>Longest author stored (characters), the verified identity and a claimed name together.</summary>
    public const int MaxAuthorLength = 250;

    public long Id { get; init; }
    public required string ArticleId { get; init; }
    public required int ArticleVersion { get; init; }
    public required string Field { get; init; }
    public string? ActorId { get; init; }

    /// <summary>The corrected value: a level, a stance label, or kinds joined by commas.</summary>
    public required string Value { get; init; }

    public string? Comment { get; init; }
    public required string Author { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A correction with what the machine said and where the article came from: a retraining example.</summary>
public sealed record CorrectionExport
{
    public required Correction Correction { get; init; }
    public string? MachineValue { get; init; }
    public string? Title { get; init; }
    public string? Url { get; init; }
}

/// <summary>One article with everything the article view shows.</summary>
public sealed record ArticleReview(StoredArticle Article, string AssessmentJson, ReviewRow Current, IReadOnlyList<Correction> Corrections);

/// <summary>An actor as the store knows it (from the stances it was given).</summary>
public sealed record ActorInfo(string Id, string Name, string Type, string? Country, long Articles);

/// <summary>One bucket (day or week) of an actor's timeline.</summary>
public sealed record ActorTimelinePoint(string Bucket, int Articles, int Negative, int Neutral, int Positive, double MeanStance, double MeanThreat);

/// <summary>An actor named in the same articles, with how many.</summary>
public sealed record CoActor(string Id, string Name, int Articles);

/// <summary>A recent article naming the actor, with the stance toward it.</summary>
public sealed record ActorMention(string ArticleId, string? Title, DateTimeOffset Date, string StanceLabel, double StanceScore, string? ThreatLevel, double ThreatScore, string AssessmentJson);

/// <summary>The actor view: who, over time, with whom, and the latest evidence.</summary>
public sealed record ActorReview(ActorInfo Actor, IReadOnlyList<ActorTimelinePoint> Timeline, IReadOnlyList<CoActor> CoActors, IReadOnlyList<ActorMention> Recent);

/// <summary>Every column of one article for exports (per-actor stances are a separate long table).</summary>
public sealed record ArticleExportRow
{
    public required string Id { get; init; }
    public required int Version { get; init; }
    public string? Title { get; init; }
    public string? Url { get; init; }
    public string? Source { get; init; }
    public string? Language { get; init; }
    public string? ExternalId { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public DateTimeOffset IngestedAt { get; init; }
    public DateTimeOffset ScoredAt { get; init; }
    public required string ModelVersion { get; init; }
    public string? StanceModel { get; init; }
    public string? SentimentModel { get; init; }
    public string? ThreatModel { get; init; }
    public string? InteractionModel { get; init; }
    public string? ThreatLevel { get; init; }
    public double ThreatScore { get; init; }
    public string? TopKind { get; init; }

    /// <summary>Probability of each kind, in <see cref="Threat.ThreatLabels.Kinds"/> order (null when not stored).</summary>
    public required IReadOnlyList<double?> KindProbabilities { get; init; }

    public required string SentimentLabel { get; init; }
    public double SentimentScore { get; init; }
    public int ActorCount { get; init; }
    public string? CorrectedThreatLevel { get; init; }
    public string? CorrectedThreatKinds { get; init; }
    public int CorrectionCount { get; init; }
}

/// <summary>One actor's stance in one article: the long table of an export.</summary>
public sealed record StanceExportRow
{
    public required string ArticleId { get; init; }
    public required int ArticleVersion { get; init; }
    public required string ModelVersion { get; init; }
    public required string ActorId { get; init; }
    public required string ActorName { get; init; }
    public required string ActorType { get; init; }
    public string? Country { get; init; }
    public bool IsListed { get; init; }
    public required string Label { get; init; }
    public double Score { get; init; }
    public int MentionCount { get; init; }
    public string? CorrectedLabel { get; init; }
}

/// <summary>Opaque keyset-paging cursors: the last row's sort value and id.</summary>
public static class ReviewCursor
{
    private const int MaxLength = 1000;

    public static string Encode(string sortValue, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(sortValue + "\u001f" + id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The sort value and id of a cursor made by <see cref="Encode"/> for a list sorted by <paramref name="sort"/>;
    /// null for anything else (a cursor is caller input: garbage must be refused, not parsed later).
    /// </summary>
    public static (string SortValue, string Id)? Decode(string? cursor, ReviewSort sort)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxLength)
        {
            return null;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(padded));
            var parts = text.Split('\u001f');
            if (parts.Length != 2 || parts[1].Length == 0)
            {
                return null;
            }

            var valid = sort == ReviewSort.Threat
                ? double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var score) && double.IsFinite(score)
                : DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);
            return valid ? (parts[0], parts[1]) : null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
    }

    public static string Score(double score) => score.ToString("R", CultureInfo.InvariantCulture);
}
