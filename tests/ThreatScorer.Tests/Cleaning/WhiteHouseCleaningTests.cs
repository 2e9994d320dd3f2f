using System.Diagnostics;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Tests.TestSupport;
using Xunit.Abstractions;

namespace ThreatScorer.Tests.Cleaning;

/// <summary>
/// Real text at volume: every White House statement is read, cleaned and checked against the offset invariant.
/// Throughput is printed for the record (house style: measured and reported, never asserted on time).
/// </summary>
public sealed class WhiteHouseCleaningTests(ITestOutputHelper output)
{
    private const string Statements = "whitehouse/statements.jsonl";

    [SharedDataFact(Statements)]
    public void Clean_OnEveryWhiteHouseStatement_KeepsInvariantsAndReportsThroughput()
    {
        var path = Path.Combine(RepoPaths.SharedData, Statements);
        var read = Stopwatch.StartNew();
        var results = new ArticleFileReader().Read(path, ArticleLimits.Default);
        read.Stop();
        var articles = results.Where(r => !r.IsRejected).Select(r => r.Article!).ToList();
        Assert.True(articles.Count > 7_000, $"only {articles.Count} of {results.Count} lines accepted");

        var cleaner = new TextCleaner(new ArticleLimits { MaxSentences = int.MaxValue });
        var clean = Stopwatch.StartNew();
        var cleaned = articles.Select(cleaner.Clean).ToList();
        clean.Stop();

        long sentences = 0;
        long characters = 0;
        foreach (var article in cleaned)
        {
            CleanedArticleAssert.Invariants(article);
            sentences += article.Sentences.Count;
            characters += article.Text.Length;
        }

        output.WriteLine(
            $"read {results.Count} lines in {read.Elapsed.TotalSeconds:F2} s; cleaned {cleaned.Count} articles, "
            + $"{sentences} sentences, {characters / 1e6:F1} M chars in {clean.Elapsed.TotalSeconds:F2} s = "
            + $"{sentences / clean.Elapsed.TotalSeconds:N0} sentences/s, {characters / 1e6 / clean.Elapsed.TotalSeconds:F1} M chars/s");
    }
}
