namespace ThreatScorer.Core.Cleaning;

/// <summary>
/// A sentence of the cleaned text. <see cref="Start"/> and <see cref="Length"/> are character offsets into
/// <see cref="CleanedArticle.Text"/>, so <c>Text == article.Text.Substring(Start, Length)</c> always holds.
/// </summary>
public sealed record Sentence(int Index, int Start, int Length, int Paragraph, string Text)
{
    public int End => Start + Length;

    /// <summary>True for sentences of the title (paragraph 0 when the article has a title).</summary>
    public bool IsTitle { get; init; }
}

/// <summary>
/// The cleaned article: the title (if any) is the first paragraph of <see cref="Text"/>, followed by a blank
/// line and the body; paragraphs are separated by "\n\n".
/// </summary>
public sealed record CleanedArticle(string? Title, string Text, IReadOnlyList<Sentence> Sentences)
{
    /// <summary>
    /// True when the article had more sentences than <c>ArticleLimits.MaxSentences</c>; <see cref="Text"/> then
    /// ends after the last listed sentence.
    /// </summary>
    public bool SentencesTruncated { get; init; }
}
