using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.Operations;
using ThreatScorer.Tests.TestSupport;
using Xunit.Abstractions;

namespace ThreatScorer.Tests.Reliability;

/// <summary>
/// The scale-out proofs, with real worker processes (<c>dotnet ThreatScorer.Worker.dll</c>) on a real PostgreSQL
/// server: replicas share the work exactly once, <c>kill -9</c> loses nothing, and the store going away is waited
/// out. Each prints its figures (see <see cref="ProofLog"/>).
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ScaleOutProofTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private PostgresTestDatabase? _database;

    public async Task InitializeAsync()
    {
        if (PostgresTestServer.AdminConnectionString is not null)
        {
            _database = await PostgresTestDatabase.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Dispose();
    }

    public void Dispose() => _dir.Dispose();

    [PostgresFact]
    public async Task ThreeWorkers_On5000Articles_ScoreEveryArticleExactlyOnce()
    {
        const int articles = 5000;
        await IngestAsync(articles, seed: 1);
        var clock = Stopwatch.StartNew();

        var workers = Enumerable.Range(1, 3).Select(i => StartWorker($"replica-{i}")).ToList();
        try
        {
            // The three Quartz schedulers form one cluster in the database.
            await Wait.UntilAsync(async () => await QuartzInstancesAsync() == 3,
                TimeSpan.FromMinutes(2), "three Quartz scheduler instances in qrtz_scheduler_state");
            await WaitUntilDrainedAsync(TimeSpan.FromMinutes(15), workers);
            var elapsed = clock.Elapsed;
            foreach (var worker in workers)
            {
                worker.Terminate();
            }

            foreach (var worker in workers)
            {
                await worker.WaitForExitAsync();
                Assert.True(worker.ExitCode == 0, worker.Tail());
            }

            var figures = await FiguresAsync();
            var perWorker = await ScoredByAsync();

            // The trigger firings each replica ran (every replica takes some), and any firing run on two replicas.
            var firings = workers.SelectMany((w, i) => w.JsonLogs()
                .Where(l => WorkerProcess.Message(l).StartsWith("Clustered firing", StringComparison.Ordinal))
                .Select(l => (Worker: i, Key: l.GetProperty("State").GetProperty("Trigger").GetString() + "@" + l.GetProperty("State").GetProperty("FireTime").GetString())))
                .ToList();
            var twice = firings.GroupBy(f => f.Key).Where(g => g.Count() > 1)
                .Select(g => $"{g.Key} on replicas {string.Join(", ", g.Select(f => f.Worker + 1))}").ToList();
            // Quartz's cluster is at-least-once: when a CPU-starved replica checks in late, the others recover its
            // acquired firing and run it too (seen on a loaded 2-core host). That must cost nothing: the claims with
            // leases below keep every article scored and saved once. So a doubled firing is reported, not failed on
            // (failing on it made the proof depend on how busy the machine was).
            var quartzWarnings = workers.Sum(w => w.JsonLogs()
                .Count(l => l.TryGetProperty("Category", out var c) && c.GetString()!.StartsWith("Quartz", StringComparison.Ordinal)));
            Assert.Equal(3, firings.Select(f => f.Worker).Distinct().Count());
            ProofLog.Write(output, Invariant(
                $"[scale-out] 3 workers, 1 PostgreSQL, {articles} articles: {figures.Scored} scored, {figures.Assessments} assessments ",
                $"for {figures.DistinctAssessed} articles, {figures.SavedTwice} saved more than once, {figures.Pending} left, {figures.Failed} failed; ",
                $"{elapsed.TotalSeconds:F0} s ({articles / elapsed.TotalSeconds:F0} articles/s); {firings.Count} trigger firings, ",
                $"{(twice.Count == 0 ? "each on one replica only" : $"{twice.Count} recovered and run twice ({string.Join("; ", twice)}; {quartzWarnings} Quartz warnings)")}; per worker: ",
                $"{string.Join(", ", perWorker.Select(p => $"{p.Key} {p.Value}"))}"));

            Assert.Equal(articles, figures.Scored);
            Assert.Equal(articles, figures.Assessments);
            Assert.Equal(articles, figures.DistinctAssessed);
            Assert.Equal(0, figures.SavedTwice); // nobody died: no article was even scored twice
            Assert.Equal(3, perWorker.Count); // every replica took a share
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [PostgresFact]
    public async Task KillMinus9_TwentyTimes_WithRestarts_LosesNothingAndScoresEachArticleOnce()
    {
        const int articles = 1500;
        const int kills = 20;
        await IngestAsync(articles, seed: 2);
        var random = new Random(20261128);
        var killedAt = new List<long>();
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < kills; i++)
        {
            using var worker = StartWorker($"killed-{i}", lease: "00:00:03");
            var before = (await FiguresAsync()).Scored;
            // Kill at a random point once it is scoring (mid-article, mid-save or between batches).
            await Wait.UntilAsync(async () => worker.HasExited || (await FiguresAsync()).Scored > before,
                TimeSpan.FromMinutes(2), "the worker to start scoring");
            await Task.Delay(random.Next(0, 1500));
            Assert.False(worker.HasExited, worker.Output);
            worker.KillHard();
            await worker.WaitForExitAsync();
            killedAt.Add((await FiguresAsync()).Scored);
        }

        // The restart: a run claims until nothing is claimable, then exits. A killed worker's leases may still be
        // live when it starts (they lapse 3 s after the kill), and then that run ends early on an empty claim; so
        // restart until nothing is pending — a bounded count of runs, never a race against the lease clock.
        var restarts = 0;
        for (; restarts < 20 && (await FiguresAsync()).Pending > 0; restarts++)
        {
            if (restarts > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(3)); // let the remaining leases lapse before the next run
            }

            using var last = StartWorker($"survivor-{restarts}", lease: "00:00:03", extra: new() { ["THREATSCORER__SCHEDULE__RUNONCE"] = "true" });
            await last.WaitForExitAsync();
            Assert.True(last.ExitCode == 0, last.Output);
        }

        var figures = await FiguresAsync();
        ProofLog.Write(output, Invariant(
            $"[kill -9] {kills} workers killed with SIGKILL at random points (scored so far at each kill: {string.Join(" ", killedAt)}), then {restarts} restart run(s): ",
            $"{figures.Scored}/{articles} scored, {figures.Assessments} assessments for {figures.DistinctAssessed} articles, ",
            $"{figures.SavedTwice} saved more than once, {figures.Pending} left, {figures.Failed} failed, in {clock.Elapsed.TotalSeconds:F0} s"));

        Assert.Equal(articles, figures.Scored);
        Assert.Equal(articles, figures.Assessments);
        Assert.Equal(articles, figures.DistinctAssessed);
        Assert.Equal(0, figures.Pending);
        Assert.Equal(0, figures.Failed);
        Assert.True(killedAt[^1] < articles, "the kills came before the queue was drained");
    }

    [PostgresFact(NeedsServerControl = true)]
    public async Task StoreOutage_MidRun_WorkerBacksOffReportsUnhealthyAndRecovers()
    {
        const int articles = 400;
        await IngestAsync(articles, seed: 3);
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        using var worker = StartWorker("outage", extra: new()
        {
            ["THREATSCORER__OPERATIONS__PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__ThreatScorer.Core.Scoring.ScoringRun"] = "Information",
        });
        var outageClock = new Stopwatch();
        try
        {
            await Wait.UntilAsync(async () => (await FiguresAsync()).Scored >= 20, TimeSpan.FromMinutes(2), "20 scores before the outage");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

            await ControlServerAsync("stop");
            outageClock.Start();
            await Wait.UntilAsync(async () => await ReadyStatusAsync(http) == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(60), "readiness to report the store unreachable");
            var unhealthyAfter = outageClock.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(8)); // the worker keeps backing off meanwhile
            Assert.False(worker.HasExited, worker.Output);
            await ControlServerAsync("start");
            var downFor = outageClock.Elapsed;

            await WaitUntilDrainedAsync(TimeSpan.FromMinutes(5), [worker]);
            var recoveredAfter = outageClock.Elapsed - downFor;
            Assert.Equal(HttpStatusCode.OK, await ReadyStatusAsync(http));
            worker.Terminate();
            await worker.WaitForExitAsync();

            var figures = await FiguresAsync();
            var warnings = worker.Output.Split('\n').Count(l => l.Contains("Store unavailable", StringComparison.Ordinal));
            ProofLog.Write(output, Invariant(
                $"[store outage] PostgreSQL stopped mid-run for {downFor.TotalSeconds:F0} s: readiness 503 after {unhealthyAfter.TotalSeconds:F1} s, ",
                $"{warnings} back-off warnings logged, queue drained {recoveredAfter.TotalSeconds:F0} s after restart; ",
                $"{figures.Scored}/{articles} scored, {figures.DistinctAssessed} articles assessed once, {figures.Failed} failed, worker exit {worker.ExitCode}"));

            Assert.Equal(0, worker.ExitCode);
            Assert.True(warnings > 0, "the worker logged its back-off");
            Assert.Contains("Store is back", worker.Output, StringComparison.Ordinal);
            Assert.Equal(articles, figures.Scored);
            Assert.Equal(articles, figures.Assessments);
            Assert.Equal(0, figures.Failed);
        }
        finally
        {
            await ControlServerAsync("start"); // never leave the shared server down
        }
    }

    private WorkerProcess StartWorker(string id, string lease = "00:05:00", Dictionary<string, string>? extra = null)
    {
        var inbox = Directory.CreateDirectory(_dir.File("empty-inbox")).FullName;
        var environment = new Dictionary<string, string>
        {
            ["THREATSCORER__STORE__PROVIDER"] = "PostgreSql",
            ["THREATSCORER__STORE__CONNECTIONSTRING"] = _database!.ConnectionString + ";Timeout=5;Command Timeout=30",
            ["THREATSCORER__SCHEDULE__CRON"] = "0/2 * * * * ?",
            ["THREATSCORER__SCHEDULE__BATCHSIZE"] = "20",
            ["THREATSCORER__SCHEDULE__WORKERID"] = id,
            ["THREATSCORER__SCHEDULE__CLAIMLEASE"] = lease,
            ["Logging__LogLevel__Quartz"] = "Warning",
            ["Logging__LogLevel__ThreatScorer.Core.Scoring.ScoringRun"] = "Warning",
        };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        return WorkerProcess.Start(inbox, _dir.File($"{id}.db"), runOnce: false, environment);
    }

    private async Task IngestAsync(int count, int seed)
    {
        await using var store = new PostgresArticleStore(_database!.ConnectionString, TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
        foreach (var article in ProofArticles.Generate(count, seed))
        {
            var (outcome, _) = await store.IngestAsync(article, ArticleKeys.ContentHash(article), CancellationToken.None);
            Assert.Equal(IngestOutcome.Added, outcome);
        }
    }

    private async Task WaitUntilDrainedAsync(TimeSpan timeout, IReadOnlyList<WorkerProcess> workers) =>
        await Wait.UntilAsync(async () =>
        {
            var crashed = workers.FirstOrDefault(w => w.HasExited);
            Assert.True(crashed is null, crashed is null ? string.Empty : "a worker exited early:\n" + crashed.Tail());
            return (await FiguresAsync()).Pending == 0;
        }, timeout, "every article to be scored");

    /// <summary>A connection outside the pool, so no pooled connection broken by a server restart is handed out.</summary>
    private async Task<NpgsqlConnection> OpenUnpooledAsync()
    {
        var connection = new NpgsqlConnection(_database!.ConnectionString + ";Pooling=false");
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<Figures> FiguresAsync()
    {
        await using var connection = await OpenUnpooledAsync();
        await using var command = new NpgsqlCommand("""
            SELECT
                (SELECT COUNT(*) FROM articles WHERE status = 'scored'),
                (SELECT COUNT(*) FROM articles WHERE status = 'new'),
                (SELECT COUNT(*) FROM articles WHERE status = 'failed'),
                (SELECT COUNT(*) FROM assessments),
                (SELECT COUNT(DISTINCT article_id) FROM assessments),
                (SELECT COUNT(*) FROM articles WHERE save_count > 1);
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Figures(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    /// <summary>Scheduler instances checked in to the Quartz cluster (-1 before the first one created the tables).</summary>
    private async Task<long> QuartzInstancesAsync()
    {
        await using var connection = await OpenUnpooledAsync();
        await using var command = new NpgsqlCommand("SELECT CASE WHEN to_regclass('qrtz_scheduler_state') IS NULL THEN -1 ELSE 0 END;", connection);
        if ((int)(await command.ExecuteScalarAsync())! < 0)
        {
            return -1;
        }

        await using var query = new NpgsqlCommand("SELECT COUNT(*) FROM qrtz_scheduler_state;", connection);
        return Convert.ToInt64(await query.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task<Dictionary<string, long>> ScoredByAsync()
    {
        await using var connection = await OpenUnpooledAsync();
        await using var command = new NpgsqlCommand("SELECT scored_by, COUNT(*) FROM articles WHERE status = 'scored' GROUP BY scored_by ORDER BY 1;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }

        return result;
    }

    private static async Task<HttpStatusCode?> ReadyStatusAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task ControlServerAsync(string verb)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(PostgresTestServer.ControlScript!);
        start.ArgumentList.Add(verb);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"postgres-test-server.sh {verb} failed: {stderr}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Invariant(params FormattableString[] parts) =>
        string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture)));

    private sealed record Figures(long Scored, long Pending, long Failed, long Assessments, long DistinctAssessed, long SavedTwice);
}
