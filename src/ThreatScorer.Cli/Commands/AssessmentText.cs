using System.Globalization;
using System.Text;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Cli.Commands;

/// <summary>A plain-text rendering of an assessment for people at a terminal.</summary>
internal static class AssessmentText
{
    public static string Render(ArticleAssessment a)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"{a.Title ?? "(untitled)"}");
        text.AppendLine(inv, $"  id {a.ArticleId} v{a.ArticleVersion}  source {a.Url ?? a.SourcePath}");
        text.AppendLine(inv, $"  sentiment: {a.Sentiment.Label} ({a.Sentiment.Score:+0.00;-0.00})  sentences: {a.SentenceCount}");
        if (a.Threat is { } threat)
        {
            text.AppendLine(inv, $"  threat: {threat.Level} ({threat.Score:0.00})  kinds: {string.Join(", ", threat.Kinds.OrderByDescending(k => k.Value).Take(3).Select(k => $"{k.Key} {k.Value:0.00}"))}");
        }

        text.AppendLine(inv, $"  actors ({a.Actors.Count}):");
        foreach (var actor in a.Actors)
        {
            var kind = actor.IsListed ? actor.Type.ToString() : "unlisted";
            text.AppendLine(inv, $"    {actor.Name,-34} {kind,-12} {actor.Label,-8} {actor.Score,6:+0.00;-0.00}  mentions {actor.MentionCount}");
            foreach (var evidence in actor.Evidence.Take(1))
            {
                text.AppendLine(inv, $"        \u201c{Shorten(evidence.Text, 110)}\u201d");
            }
        }

        text.Append(inv, $"  models: {a.Models.Key}  ({a.Timings.TotalMs:F0} ms)");
        return text.ToString();
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : string.Concat(s.AsSpan(0, max - 1), "\u2026");
}
