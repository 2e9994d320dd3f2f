using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Ingestion;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Ingestion;

/// <summary>
/// The inbox as a hostile writer shapes it (issue 13): linked folders and files, files still being written.
/// A real SQLite file; time from a fake clock that says when the ingest starts waiting, so no test races a timer.
/// </summary>
public sealed class HostileInboxIngestTests : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    /// <summary>A hang guard, not a speed assertion.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    private static readonly DateTimeOffset Start = new(2026, 12, 8, 3, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();
    private readonly SignallingTime _time = new(Start);
    private readonly SqliteArticleStore _store;
    private readonly InboxIngestor _ingestor;
    private readonly string _inbox;

    public HostileInboxIngestTests()
    {
        _inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        _store = new SqliteArticleStore(_dir.File("store.db"), _time);
        _store.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        _ingestor = new InboxIngestor(_store, new ArticleFileReader(), _time, NullLogger<InboxIngestor>.Instance);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Ingest_WhenAFileIsStillBeingWritten_LeavesItForTheNextRunAndThenReadsItWhole()
    {
        var old = Write("old.txt", "Troops crossed the border at dawn. The army said the operation would continue.", Start - TimeSpan.FromHours(1));
        var growing = Write("growing.txt", "Rebels seized the town of Kidal", Start - TimeSpan.FromSeconds(1));

        var pass = _ingestor.IngestFoldersAsync([_inbox], ArticleLimits.Default, Quiet, CancellationToken.None);
        await _time.TimerCreated.Task.WaitAsync(HangGuard);
        // The old file was read at once; the new one waits for its second look, during which it grows.
        Assert.Equal(["old.txt"], await SourceFilesAsync());
        File.AppendAllText(growing, " on Monday. Residents fled south as the army regrouped.");
        File.SetLastWriteTimeUtc(growing, Start.UtcDateTime);
        _time.Advance(Quiet);
        var first = await pass.WaitAsync(HangGuard);

        Assert.Equal((1, 1, 0), (first.Added, first.Settling, first.Rejected));
        Assert.Equal(["old.txt"], await SourceFilesAsync());

        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await _ingestor.IngestFoldersAsync([_inbox], ArticleLimits.Default, Quiet, CancellationToken.None).WaitAsync(HangGuard);

        Assert.Equal((1, 0), (second.Added, second.Settling));
        Assert.Equal("Rebels seized the town of Kidal on Monday. Residents fled south as the army regrouped.", await TextOfAsync(growing));
        Assert.True(File.Exists(old));
    }

    [Fact]
    public async Task Ingest_WhenANewFileHoldsStill_ReadsItInTheSamePassAfterTheQuietPeriod()
    {
        // A worker run with RunOnce right after a copy still scores the file: the pass waits, it does not skip.
        Write("new.txt", "Floods displaced thousands in the delta. Aid agencies sent boats.", Start);

        var pass = _ingestor.IngestFoldersAsync([_inbox], ArticleLimits.Default, Quiet, CancellationToken.None);
        await _time.TimerCreated.Task.WaitAsync(HangGuard);
        Assert.Empty(await SourceFilesAsync());
        _time.Advance(Quiet);
        var summary = await pass.WaitAsync(HangGuard);

        Assert.Equal((1, 0), (summary.Added, summary.Settling));
        Assert.Equal(["new.txt"], await SourceFilesAsync());
    }

    [Fact]
    public async Task Ingest_WhenAFolderInTheInboxIsALink_RecordsOneRejectionAndReadsNothingBehindIt()
    {
        var elsewhere = Directory.CreateDirectory(_dir.File("elsewhere")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "secret.txt"), "The secret text of a file outside the inbox, in plain English.");
        var link = Path.Combine(_inbox, "linked");
        Directory.CreateSymbolicLink(link, elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(_inbox, "etc.txt"), "/etc");

        var first = await _ingestor.IngestFoldersAsync([_inbox], ArticleLimits.Default, CancellationToken.None);
        var again = await _ingestor.IngestFoldersAsync([_inbox], ArticleLimits.Default, CancellationToken.None);

        Assert.Equal((0, 2), (first.Added, first.Rejected));
        Assert.Equal(0, again.Rejected);
        var rows = await RowsAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Null(r.Text));
        var linked = Assert.Single(rows, r => r.Path == link);
        Assert.Equal($"symbolic link to a folder, {elsewhere}: not followed (inbox entries must be regular files, not links)", linked.Reason);
        Assert.Contains(rows, r => r.Path == Path.Combine(_inbox, "etc.txt") && r.Reason!.StartsWith("symbolic link to a folder, /etc", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_WhenAFileInTheInboxLinksOutside_StoresARejectionNamingItAndNoneOfTheTargetsText()
    {
        var secret = _dir.Write("elsewhere/shadow.txt", "root:$6$secret-hash:19000:0:99999:7:::");
        var link = Path.Combine(_inbox, "s.txt");
        File.CreateSymbolicLink(link, secret);
        Write("good.txt", "Police arrested three suspects after the bombing. The city is calm.", Start - TimeSpan.FromHours(1));

        var summary = await _ingestor.IngestFoldersAsync([_inbox], ArticleLimits.Default, Quiet, CancellationToken.None).WaitAsync(HangGuard);

        Assert.Equal((1, 1), (summary.Added, summary.Rejected));
        var rejected = Assert.Single(await RowsAsync(), r => r.Path == link);
        Assert.Null(rejected.Text);
        Assert.StartsWith($"symbolic link to {secret}: not followed", rejected.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(await RowsAsync(), r => (r.Text ?? "").Contains("secret-hash", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void Options_WhenQuietPeriodIsOutOfRange_NameTheSetting(int seconds)
    {
        var options = new ThreatScorerOptions();
        options.Inbox.QuietPeriod = TimeSpan.FromSeconds(seconds);

        var result = new ThreatScorerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("ThreatScorer:Inbox:QuietPeriod", result.FailureMessage, StringComparison.Ordinal);
    }

    private string Write(string name, string text, DateTimeOffset modified)
    {
        var path = Path.Combine(_inbox, name);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
        return path;
    }

    private async Task<List<string>> SourceFilesAsync() =>
        [.. (await RowsAsync()).Where(r => r.Text is not null).Select(r => Path.GetFileName(r.Path)).Order(StringComparer.Ordinal)];

    private async Task<string?> TextOfAsync(string path) => (await RowsAsync()).Single(r => r.Path == path && r.Text is not null).Text;

    private async Task<List<(string Path, string? Text, string? Reason)>> RowsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT source_path, text, reason FROM articles ORDER BY source_path;";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string?, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>A fake clock that signals when someone starts waiting on it (Task.Delay creates a timer).</summary>
    private sealed class SignallingTime(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public TaskCompletionSource TimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.TrySetResult();
            return timer;
        }
    }
}
