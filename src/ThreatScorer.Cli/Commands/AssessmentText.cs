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
        var threat = a.Threat;
        text.AppendLine(inv, $"  threat: {threat.Level} (score {threat.Score:0.00})  kinds: {string.Join(", ", threat.Kinds.OrderByDescending(k => k.Value).Take(3).Select(k => $"{k.Key} {k.Value:0.00}"))}");
        foreach (var evidence in threat.Evidence.Take(3))
        {
            text.AppendLine(inv, $"    [{evidence.Label} {evidence.Score:0.00}] \u201c{Shorten(evidence.Text, 110)}\u201d");
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

        if (a.Relations.Count > 0)
        {
            text.AppendLine(inv, $"  relations ({a.Relations.Count}):");
            foreach (var relation in a.Relations.Take(10))
            {
                text.AppendLine(inv, $"    {relation.SubjectName} \u2014{relation.Interaction}\u2192 {relation.ObjectName} ({relation.Confidence:0.00})");
            }
        }

        text.Append(inv, $"  models: {a.Models.Key}  ({a.Timings.TotalMs:F0} ms)");
        return text.ToString();
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : string.Concat(s.AsSpan(0, max - 1), "\u2026");
}
