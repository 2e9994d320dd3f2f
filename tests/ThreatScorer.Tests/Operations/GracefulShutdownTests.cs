using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Operations;

/// <summary>
/// The worker as ops run it: a real process (<c>dotnet ThreatScorer.Worker.dll</c>) with JSON logs, stopped by
/// SIGTERM in the middle of a batch and started again.
/// </summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private const int Articles = 120;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sigterm_MidRun_StopsCleanly_AndRestartScoresEveryArticleExactlyOnce()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        var seed = File.ReadAllText(RepoPaths.SeedArticle);
        for (var i = 0; i < Articles; i++)
        {
            // A distinct closing line per copy, so none is deduplicated away.
            File.WriteAllText(Path.Combine(inbox, $"article-{i:D3}.txt"), seed + $"\n\nDispatch {i} filed by the wire desk.\n");
        }

        var database = _dir.File("scores.db");
        var logs = new List<JsonElement>();

        using (var first = WorkerProcess.Start(inbox, database, runOnce: false))
        {
            await Wait.UntilAsync(async () => await CountScoredAsync(database) >= 5, what: "five scores before SIGTERM");
            first.Terminate();
            await first.WaitForExitAsync();
            Assert.True(first.ExitCode == 0, first.Output);
            Assert.Contains(first.JsonLogs(), l => WorkerProcess.Message(l).Contains("cancelled", StringComparison.Ordinal));
            logs.AddRange(first.JsonLogs());
        }

        var scoredAfterFirst = await CountScoredAsync(database);
        Assert.InRange(scoredAfterFirst, 5, Articles - 1); // the SIGTERM really came mid-run

        using (var second = WorkerProcess.Start(inbox, database, runOnce: true))
        {
            await second.WaitForExitAsync();
            Assert.True(second.ExitCode == 0, second.Output);
            logs.AddRange(second.JsonLogs());
        }

        // Every article is logged as scored exactly once over both processes, with run and article ids as scope fields.
        var scoredLines = logs.Where(l => WorkerProcess.Message(l).StartsWith("Scored a-", StringComparison.Ordinal)).ToList();
        var ids = scoredLines.Select(l => ScopeField(l, "ArticleId")).ToList();
        Assert.Equal(Articles, ids.Count);
        Assert.Equal(Articles, ids.Distinct().Count());
        Assert.All(scoredLines, l => Assert.False(string.IsNullOrEmpty(ScopeField(l, "RunId"))));

        Assert.Equal(Articles, await CountScoredAsync(database));
        Assert.Equal(Articles, await ScalarAsync(database, "SELECT COUNT(*) FROM assessments"));
        Assert.Equal(0, await ScalarAsync(database, "SELECT COUNT(*) FROM articles WHERE status <> 'scored'"));
    }

    private static string? ScopeField(JsonElement log, string field) =>
        log.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(field, out _))
                .Select(s => s.GetProperty(field).GetString()).FirstOrDefault()
            : null;

    private static async Task<int> CountScoredAsync(string database) =>
        File.Exists(database) ? await ScalarAsync(database, "SELECT COUNT(*) FROM articles WHERE status = 'scored'") : 0;

    private static async Task<int> ScalarAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // schema not created yet
        }
    }
}

/// <summary>The worker dll from the test output, run with JSON console logs; stdout lines are kept.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue("stderr: " + e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> Lines => [.. _lines];

    public string Output => string.Join('\n', _lines);

    /// <summary>The last <paramref name="chars"/> characters of <see cref="Output"/>, for assertion messages.</summary>
    public string Tail(int chars = 4000)
    {
        var output = Output;
        return output.Length > chars ? output[^chars..] : output;
    }

    /// <summary>The message of one JSON log line; "" when it has none.</summary>
    public static string Message(JsonElement log) =>
        log.TryGetProperty("Message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";

    /// <summary>The messages of the JSON log lines, in order.</summary>
    public IEnumerable<string> Messages() => JsonLogs().Select(Message);

    public static WorkerProcess Start(string inbox, string database, bool runOnce, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(database)!,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ThreatScorer.Worker.dll"));
        start.Environment["Logging__Console__FormatterName"] = "json";
        start.Environment["THREATSCORER__INBOX__FOLDERS__0"] = inbox;
        start.Environment["THREATSCORER__STORE__SQLITEPATH"] = database;
        start.Environment["THREATSCORER__MODELS__ROOT"] = RepoPaths.Models;
        start.Environment["THREATSCORER__SCHEDULE__CRON"] = "0 0 0 1 1 ? 2099";
        start.Environment["THREATSCORER__SCHEDULE__BATCHSIZE"] = "10";
        start.Environment["THREATSCORER__SCHEDULE__RUNONCE"] = runOnce ? "true" : "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new WorkerProcess(Process.Start(start)!);
    }

    /// <summary>SIGTERM, as a container runtime or systemd stops the worker.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: the process dies at once, mid-article or mid-save, with no chance to clean up.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    public bool HasExited => _process.HasExited;

    public async Task WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected output
    }

    /// <summary>The JSON log lines (the worker's stdout) parsed; other lines are skipped.</summary>
    public IEnumerable<JsonElement> JsonLogs()
    {
        foreach (var line in _lines)
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            yield return doc.RootElement.Clone();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
