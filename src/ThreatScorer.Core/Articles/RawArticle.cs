namespace ThreatScorer.Core.Articles;

/// <summary>
/// An article as read from the inbox, before cleaning. <see cref="Text"/> is the body as found
/// (already stripped of markup for HTML); <see cref="SourcePath"/> and <see cref="SourceLine"/>
/// say where it came from so every error can point back to it.
/// </summary>
public sealed record RawArticle
{
    public string? ExternalId { get; init; }
    public string? Title { get; init; }
    public required string Text { get; init; }
    public string? Url { get; init; }
    public string? Source { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string? Language { get; init; }

    /// <summary>File path (or "-" for standard input, or a URL) the article was read from.</summary>
    public required string SourcePath { get; init; }

    /// <summary>1-based line for JSONL inputs; null for whole-file formats.</summary>
    public int? SourceLine { get; init; }

    /// <summary>"path" or "path:line", for messages.</summary>
    public string Location => LocationOf(SourcePath, SourceLine);

    /// <summary>"path" or "path:line": how logs and the CLI name an input.</summary>
    public static string LocationOf(string path, int? line) => line is { } l ? $"{path}:{l}" : path;
}

/// <summary>
/// One outcome of reading an inbox file: either an article or a rejection naming what was wrong.
/// A JSONL file yields one result per non-blank line.
/// </summary>
public sealed record ArticleReadResult
{
    public RawArticle? Article { get; init; }
    public required string SourcePath { get; init; }
    public int? SourceLine { get; init; }

    /// <summary>Why the input was rejected (names the field where one is at fault); null when accepted.</summary>
    public string? RejectionReason { get; init; }

    /// <summary>Hash of the raw bytes (or the raw line) so a rejected input is not re-read on every run.</summary>
    public required string ContentHash { get; init; }

    public bool IsRejected => RejectionReason is not null;

    /// <summary>"path" or "path:line", for messages.</summary>
    public string Location => RawArticle.LocationOf(SourcePath, SourceLine);

    /// <summary>"location: reason" for a rejection, as logs and the CLI print it; null when accepted.</summary>
    public string? RejectionMessage => IsRejected ? $"{Location}: {RejectionReason}" : null;
}
