using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using ThreatScorer.Tests.Operations;
using ThreatScorer.Tests.TestSupport;
using Xunit.Abstractions;

namespace ThreatScorer.Tests.Reliability;

/// <summary>
/// Issue 8's bad-input proof: 30+ kinds of bad input interleaved with good articles, one run of the real worker
/// process against a real SQLite file. No crash, every input recorded as scored or rejected with a reason that
/// points back to its file (and line), every good article scored, nothing left waiting. The table of outcomes
/// is printed and appended to THREATSCORER_PROOF_LOG when set, so CI shows it.
/// </summary>
public sealed class BadInputProofTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Worker_WhenInboxHoldsThirtyKindsOfBadInput_RecordsEachWithAReasonAndScoresEveryGoodArticle()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        var (bad, good) = BadInputCorpus.Write(inbox);
        // The corpus also holds odd but valid inputs (UTF-16 with a BOM, hostile HTML, good JSONL lines…) that must
        // be scored: only the others count as bad input.
        var badFiles = BadOnes(bad).Select(k => k.Path).Distinct().Count();
        Assert.True(badFiles >= 30, $"only {badFiles} files of bad input");
        var database = _dir.File("proof.db");

        List<string> logs;
        using (var worker = WorkerProcess.Start(inbox, database, runOnce: true))
        {
            await worker.WaitForExitAsync();
            Assert.True(worker.ExitCode == 0, $"worker exited {worker.ExitCode}:\n{worker.Tail(8000)}");
            logs = [.. worker.Messages()];
        }

        var rows = await ReadArticlesAsync(database);
        var outcomes = bad.Concat(good).Select(kind => Judge(kind, rows, logs)).ToList();
        Report(outcomes, rows, logs);

        Assert.DoesNotContain(rows, r => r.Status == "new");
        Assert.DoesNotContain(rows, r => r.Status == "failed");
        Assert.All(rows, r => Assert.True(r.Status == "scored" || !string.IsNullOrWhiteSpace(r.Reason), $"{r.Location}: {r.Status} without a reason"));

        // Every row belongs to an input of the corpus: nothing read from elsewhere, nothing stored twice.
        var known = bad.Concat(good).Select(k => (k.Path, k.Line)).ToHashSet();
        Assert.All(rows, r => Assert.Contains((r.SourcePath, r.SourceLine), known));
        Assert.Equal(rows.Count, rows.Select(r => (r.SourcePath, r.SourceLine)).Distinct().Count());

        var failures = outcomes.Where(o => o.Problem is not null).Select(o => $"{o.Kind.Kind} ({o.Kind.Location}): {o.Problem}").ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // Scripts, frames, styles and handlers never reach the stored text.
        var html = rows.Single(r => r.SourcePath.EndsWith("scripts.html", StringComparison.Ordinal));
        Assert.DoesNotContain("evil", html.Text ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Tajikistan", html.Text ?? "", StringComparison.Ordinal);
    }

    /// <summary>The inputs of the corpus that are really bad: those not expected to be scored.</summary>
    private static List<InputKind> BadOnes(IEnumerable<InputKind> kinds) => kinds.Where(k => k.Expected != Expected.Scored).ToList();

    private static Outcome Judge(InputKind kind, IReadOnlyList<ArticleRow> rows, IReadOnlyList<string> logs)
    {
        var row = rows.FirstOrDefault(r => r.SourcePath == kind.Path && r.SourceLine == kind.Line);
        switch (kind.Expected)
        {
            case Expected.NotListed:
                return row is null
                    ? new Outcome(kind, "not listed", "not a file: inbox folders are not read recursively", null)
                    : new Outcome(kind, row.Status, row.Reason ?? "", "a directory was stored as an article");
            case Expected.Duplicate:
                var log = logs.FirstOrDefault(m => m.Contains(kind.Path, StringComparison.Ordinal)
                    && m.Contains("duplicate", StringComparison.OrdinalIgnoreCase));
                if (row is not null)
                {
                    return new Outcome(kind, row.Status, row.Reason ?? "", "a duplicate was stored again");
                }

                return log is null
                    ? new Outcome(kind, "?", "", "no log line names the duplicate file")
                    : new Outcome(kind, "duplicate", log, null);
        }

        if (row is null)
        {
            return new Outcome(kind, "missing", "", "not recorded in the store");
        }

        var reason = row.Status == "scored"
            ? string.Create(CultureInfo.InvariantCulture, $"threat {row.ThreatLevel} {row.ThreatScore:0.00}, {row.SentenceCount} sentences")
            : row.Reason ?? "";
        string? problem = (kind.Expected, row.Status) switch
        {
            (_, "scored") when kind.Expected is Expected.Scored or Expected.Recorded => null,
            (_, "rejected") when kind.Expected is Expected.Rejected or Expected.Recorded =>
                string.IsNullOrWhiteSpace(row.Reason) ? "rejected without a reason"
                : kind.ReasonMustContain is { } must && !row.Reason.Contains(must, StringComparison.OrdinalIgnoreCase)
                    ? $"reason does not mention {must}"
                    : null,
            _ => $"expected {kind.Expected}, got {row.Status}",
        };
        return new Outcome(kind, row.Status, reason, problem);
    }

    private void Report(IReadOnlyList<Outcome> outcomes, IReadOnlyList<ArticleRow> rows, IReadOnlyList<string> logs)
    {
        var sb = new StringBuilder();
        var badCount = BadOnes(outcomes.Select(o => o.Kind)).Count;
        var oddButValid = outcomes.Count(o => o.Kind.Expected == Expected.Scored) - BadInputCorpus.GoodArticles;
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Bad-input proof: {badCount} bad inputs, {oddButValid} odd but valid ones (to be scored) and {BadInputCorpus.GoodArticles} good articles, one worker run");
        sb.AppendLine("| kind | file | outcome | reason |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var o in outcomes)
        {
            var reason = o.Reason.Length > 160 ? o.Reason[..160] + "…" : o.Reason;
            var flag = o.Problem is null ? "" : $" **PROBLEM: {o.Problem}**";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {o.Kind.Kind} | {o.Kind.Location} | {o.Status} | {reason.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal)}{flag} |");
        }

        var counts = rows.GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Store: {string.Join(", ", counts)}; problems: {outcomes.Count(o => o.Problem is not null)}");
        if (logs.LastOrDefault(m => m.StartsWith("Run ", StringComparison.Ordinal)) is { } run)
        {
            sb.AppendLine(run);
        }

        ProofLog.Write(output, sb.ToString());
    }

    private static async Task<List<ArticleRow>> ReadArticlesAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT a.source_path, a.source_line, a.status, a.reason, a.last_error, a.text, s.threat_level, s.threat_score,
                   json_extract(s.assessment_json, '$.sentence_count')
            FROM articles a LEFT JOIN assessments s ON s.article_id = a.id AND s.article_version = a.version
            """;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<ArticleRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new ArticleRow(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetInt32(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? (reader.IsDBNull(4) ? null : reader.GetString(4)) : reader.GetString(3),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8)));
        }

        return rows;
    }

    private sealed record ArticleRow(
        string SourcePath, int? SourceLine, string Status, string? Reason, string? Text, string? ThreatLevel, double? ThreatScore, long? SentenceCount)
    {
        public string Location => SourceLine is { } line ? $"{SourcePath}:{line}" : SourcePath;
    }

    private sealed record Outcome(InputKind Kind, string Status, string Reason, string? Problem);
}
