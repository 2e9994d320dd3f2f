using System.Diagnostics;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;

namespace ThreatScorer.Core.Scoring;

/// <summary>What one benchmark pass measured.</summary>
public sealed record BenchmarkResult(
    int Articles,
    int Sentences,
    int StancePredictions,
    TimeSpan Scoring,
    TimeSpan StanceTime,
    TimeSpan Tokenisation,
    long PeakWorkingSetBytes)
{
    public double ArticlesPerSecond => Articles / Scoring.TotalSeconds;
    public double SentencesPerSecond => Sentences / Scoring.TotalSeconds;

    /// <summary>Stance predictions per second of time spent in the stance step.</summary>
    public double StancePredictionsPerSecond => StancePredictions / Math.Max(1e-9, StanceTime.TotalSeconds);

    /// <summary>How many times longer full scoring takes than cleaning and tokenising the same texts.</summary>
    public double ScoringToTokenisation => Scoring.TotalSeconds / Math.Max(1e-9, Tokenisation.TotalSeconds);
}

/// <summary>
/// End-to-end speed of the pipeline without the store: read → clean → actors → stance → sentiment → threat,
/// over a fixed folder of article texts (seeds/bench), against the bare cost of cleaning and tokenising them.
/// </summary>
public static class PipelineBenchmark
{
    public static BenchmarkResult Run(IReadOnlyList<RawArticle> articles, ArticleScorer scorer, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(articles);
        ArgumentNullException.ThrowIfNull(scorer);
        var limits = ArticleLimits.Default with { MaxSentences = int.MaxValue };

        // Warm-up: JIT, prediction engines and caches are not what is measured.
        foreach (var article in articles.Take(5))
        {
            scorer.Score(article, new ArticleIdentity("warm-up", 1), limits, cancellationToken);
        }

        var cleaner = new TextCleaner(limits);
        var tokenising = Stopwatch.StartNew();
        long words = 0;
        for (var r = 0; r < repeat; r++)
        {
            foreach (var article in articles)
            {
                foreach (var sentence in cleaner.Clean(article).Sentences)
                {
                    words += sentence.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
                }
            }
        }

        tokenising.Stop();
        GC.KeepAlive(words);

        int sentences = 0, stance = 0, scored = 0;
        double stanceMs = 0;
        var scoring = Stopwatch.StartNew();
        for (var r = 0; r < repeat; r++)
        {
            foreach (var article in articles)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (scorer.Score(article, new ArticleIdentity("bench", 1), limits, cancellationToken).Assessment is not { } a)
                {
                    continue;
                }

                scored++;
                sentences += a.SentenceCount;
                stance += a.Actors.Sum(x => x.MentionCount);
                stanceMs += a.Timings.StanceMs;
            }
        }

        scoring.Stop();
        using var process = Process.GetCurrentProcess();
        return new BenchmarkResult(scored, sentences, stance, scoring.Elapsed, TimeSpan.FromMilliseconds(stanceMs), tokenising.Elapsed, process.PeakWorkingSet64);
    }
}
