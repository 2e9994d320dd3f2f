using System.Text.Json;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Training;

/// <summary>
/// Turns analysts' corrections into training JSONL with provenance. Only human judgements become labels — the
/// machine's scores are never used as labels (only the positions of the mentions it found, so the analyst's
/// stance label can be attached to each mention of the actor).
/// </summary>
/// <remarks>
/// stance: one NewsMTSC-format line per mention of the corrected actor (sentence, from, to, polarity).
/// threat: one threat-corpus line per article with a corrected level: the title and lead (up to three sentences)
/// with the corrected level and, if corrected, kinds; no interaction class (nobody judged one), so the
/// interaction model skips these lines. interaction: analysts do not correct it, so there is nothing to export.
/// </remarks>
public static class TrainingExport
{
    private const int LeadSentences = 3;

    public static async Task<int> ExportAsync(
        string task, SqliteReviewStore review, IArticleStore store, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        if (task is not (ModelTasks.Stance or ModelTasks.Threat))
        {
            throw new ArgumentException($"Corrections can be exported for stance and threat, not '{task}' (analysts do not correct it).", nameof(task));
        }

        var corrections = new List<Correction>();
        await foreach (var export in review.StreamCorrectionsAsync(cancellationToken))
        {
            corrections.Add(export.Correction);
        }

        var cleaner = new TextCleaner(ArticleLimits.Default with { MaxSentences = int.MaxValue });
        var written = 0;
        foreach (var perArticle in corrections.GroupBy(c => (c.ArticleId, c.ArticleVersion)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var article = await store.GetArticleAsync(perArticle.Key.ArticleId, cancellationToken);
            var json = await store.GetLatestAssessmentJsonAsync(perArticle.Key.ArticleId, cancellationToken);
            if (article is null || json is null || article.Version != perArticle.Key.ArticleVersion)
            {
                continue; // The article changed since it was corrected; its correction no longer describes the text.
            }

            var cleaned = cleaner.Clean(new RawArticle { Title = article.Title, Text = article.Text ?? string.Empty, SourcePath = article.SourcePath });
            var latest = perArticle.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToList();
            written += task == ModelTasks.Stance
                ? await WriteStanceAsync(latest, AssessmentJson.Deserialize(json), cleaned, article, output, cancellationToken)
                : await WriteThreatAsync(latest, cleaned, article, output, cancellationToken);
        }

        await output.FlushAsync(cancellationToken);
        return written;
    }

    private static async Task<int> WriteStanceAsync(
        List<Correction> corrections, ArticleAssessment assessment, CleanedArticle cleaned, StoredArticle article, TextWriter output, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var correction in corrections.Where(c => c.Field == CorrectionFields.ActorStance).GroupBy(c => c.ActorId).Select(g => g.Last()))
        {
            var actor = assessment.Actors.FirstOrDefault(a => a.ActorId == correction.ActorId);
            if (actor is null)
            {
                continue;
            }

            var polarity = correction.Value switch { PolarityLabels.Negative => -1, PolarityLabels.Positive => 1, _ => 0 };
            foreach (var (mention, n) in actor.Mentions.Select((m, n) => (m, n)))
            {
                if (mention.SentenceIndex >= cleaned.Sentences.Count)
                {
                    continue;
                }

                var sentence = cleaned.Sentences[mention.SentenceIndex];
                var from = mention.Start - sentence.Start;
                if (from < 0 || from + mention.Length > sentence.Length || sentence.Text.Substring(from, mention.Length) != mention.Text)
                {
                    continue;
                }

                await WriteLineAsync(output, new Dictionary<string, object?>
                {
                    ["id"] = $"corr-{correction.Id}-{n}",
                    ["mention"] = mention.Text,
                    ["polarity"] = polarity,
                    ["from"] = from,
                    ["to"] = from + mention.Length,
                    ["sentence"] = sentence.Text,
                    ["group"] = "corr-" + article.Id,
                    ["provenance"] = Provenance(correction, article),
                }, cancellationToken);
                written++;
            }
        }

        return written;
    }

    private static async Task<int> WriteThreatAsync(
        List<Correction> corrections, CleanedArticle cleaned, StoredArticle article, TextWriter output, CancellationToken cancellationToken)
    {
        var level = corrections.LastOrDefault(c => c.Field == CorrectionFields.ThreatLevel);
        if (level is null)
        {
            return 0;
        }

        var kindsCorrection = corrections.LastOrDefault(c => c.Field == CorrectionFields.ThreatKinds);
        var kinds = level.Value == ThreatLabels.None
            ? []
            : kindsCorrection?.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (kinds is null || (level.Value != ThreatLabels.None && kinds.Count == 0))
        {
            return 0; // A threat without judged kinds would teach the kind models "no kind".
        }

        var lead = string.Join(' ', cleaned.Sentences.Take(LeadSentences).Select(s => s.Text));
        await WriteLineAsync(output, new Dictionary<string, object?>
        {
            ["id"] = $"corr-{level.Id}",
            ["text"] = lead,
            ["threat_level"] = level.Value,
            ["kinds"] = kinds,
            ["group"] = "corr-" + article.Id,
            ["provenance"] = Provenance(level, article),
        }, cancellationToken);
        return 1;
    }

    private static string Provenance(Correction correction, StoredArticle article) =>
        $"correction {correction.Id} by {correction.Author} at {correction.CreatedAt:O} on article {article.Id} v{article.Version} ({article.Url ?? article.SourcePath})"
        + (string.IsNullOrWhiteSpace(correction.Comment) ? string.Empty : $": {correction.Comment}");

    private static async Task WriteLineAsync(TextWriter output, Dictionary<string, object?> line, CancellationToken cancellationToken)
    {
        await output.WriteAsync(JsonSerializer.Serialize(line, AssessmentJson.Options).AsMemory(), cancellationToken);
        await output.WriteAsync('\n');
    }
}
