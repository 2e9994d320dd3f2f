using System.Diagnostics;
using System.Text.Json;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Cli;

/// <summary>The <c>threatscorer</c> command run as a real process, as a user runs it.</summary>
public sealed class CliProcessTests : IDisposable
{
    private static readonly string[] AttackKinds = ["terrorism", "armed_conflict"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Score_SeedArticleAsJson_PrintsTheAssessment()
    {
        var (exit, stdout, stderr) = await RunAsync("score", RepoPaths.SeedArticle, "--models", RepoPaths.Models);

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises", json.RootElement.GetProperty("title").GetString());
        Assert.Contains(json.RootElement.GetProperty("actors").EnumerateArray(), a => a.GetProperty("actor_id").GetString() == "RUS");
    }

    [Fact]
    public async Task Predict_WithMalformedLine_ExitsTwoNamingFileAndLineAndWritesNothing()
    {
        var input = _dir.Write("in.jsonl", """
            {"id":"1","sentence":"Russia backs Tajikistan.","from":0,"to":6}
            {"id":"2","sentence":"Broken line","from":0}
            """);
        var output = _dir.File("out.jsonl");

        var (exit, _, stderr) = await RunAsync("predict", "--task", "stance", "--input", input, "--output", output, "--models", RepoPaths.Models);

        Assert.Equal(2, exit);
        Assert.Contains("in.jsonl:2", stderr, StringComparison.Ordinal);
        Assert.Contains("\"to\"", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Predict_StanceOnGoodLines_WritesOneLabelledLinePerInput()
    {
        var input = _dir.Write("in.jsonl", """
            {"id":"a","sentence":"The Taliban attacked the village, killing twelve.","from":4,"to":11}
            {"id":"b","sentence":"The UN delivered food to the refugees.","from":4,"to":6}
            """);
        var output = _dir.File("out.jsonl");

        var (exit, _, stderr) = await RunAsync("predict", "--task", "stance", "--input", input, "--output", output, "--models", RepoPaths.Models);

        Assert.True(exit == 0, stderr);
        var lines = File.ReadAllLines(output);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("a", first.RootElement.GetProperty("id").GetString());
        var probabilities = first.RootElement.GetProperty("probabilities");
        var sum = probabilities.GetProperty("negative").GetSingle() + probabilities.GetProperty("neutral").GetSingle() + probabilities.GetProperty("positive").GetSingle();
        Assert.InRange(sum, 0.99f, 1.01f);
    }

    [Fact]
    public async Task Predict_Threat_WritesTheThreatContract()
    {
        var input = _dir.Write("threat.jsonl", """
            {"id":"attack","text":"Gunmen stormed a hotel in Mogadishu overnight, killing at least 20 people, police said. Al-Shabaab claimed the attack."}
            {"id":"calm","text":"The city council approved a new budget for parks and libraries on Tuesday."}
            """);
        var output = _dir.File("threat-out.jsonl");

        var (exit, _, stderr) = await RunAsync("predict", "--task", "threat", "--input", input, "--output", output, "--models", RepoPaths.Models);

        Assert.True(exit == 0, stderr);
        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        var attack = lines[0];
        Assert.Equal("attack", attack.GetProperty("id").GetString());
        Assert.Equal("high", attack.GetProperty("threat_level").GetString());
        Assert.InRange(attack.GetProperty("threat_score").GetDouble(), 0.5, 1);
        Assert.Equal(7, attack.GetProperty("categories").EnumerateObject().Count());
        Assert.Contains(attack.GetProperty("top_category").GetString(), AttackKinds);
        Assert.Equal("none", lines[1].GetProperty("threat_level").GetString());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("top_category").ValueKind);
    }

    [Fact]
    public async Task Predict_Interaction_WritesLabelAndFiveProbabilities()
    {
        var input = _dir.Write("interaction.jsonl", """
            {"id":"1","text":"Japan delivered 40 tonnes of medical supplies to Turkey after the earthquake."}
            """);
        var output = _dir.File("interaction-out.jsonl");

        var (exit, _, stderr) = await RunAsync("predict", "--task", "interaction", "--input", input, "--output", output, "--models", RepoPaths.Models);

        Assert.True(exit == 0, stderr);
        var line = JsonDocument.Parse(File.ReadAllLines(output).Single()).RootElement;
        Assert.Equal("material_cooperation", line.GetProperty("label").GetString());
        Assert.Equal(5, line.GetProperty("probabilities").EnumerateObject().Count());
    }

    [Fact]
    public async Task Score_MissingModels_ExitsThreeNamingThePath()
    {
        var (exit, _, stderr) = await RunAsync("score", RepoPaths.SeedArticle, "--models", _dir.File("nowhere"));

        Assert.Equal(3, exit);
        Assert.Contains("nowhere", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCommand_MapsModelAndInputErrorsToTheirExitCodes_WithoutAStackTrace()
    {
        // encoder-probe has no error handling of its own: the program-wide mapping names the problem.
        var (exit, _, stderr) = await RunAsync("encoder-probe", "--task", "threat", "--models", _dir.File("nowhere"));
        Assert.Equal(3, exit);
        Assert.Contains("nowhere", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected failure", stderr, StringComparison.Ordinal);

        var bad = _dir.Write("bad.jsonl", "{\"id\": \"x\", \"text\": \"A sentence.\"}\n");
        (exit, _, stderr) = await RunAsync("encoder-probe", "--task", "threat", "--data", bad);
        Assert.Equal(2, exit);
        Assert.Contains("bad.jsonl", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected failure", stderr, StringComparison.Ordinal);

        // A name=path option without the "=" was silently dropped before; now it is named.
        (exit, _, stderr) = await RunAsync("evaluate", "--task", "stance", "--data", bad, "--dataset", "cameo");
        Assert.Equal(2, exit);
        Assert.Contains("--dataset cameo: expected name=path", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_WinsOverAPostgreSqlProviderFromTheEnvironment_AndWithoutItTheErrorSaysHowToChooseSqlite()
    {
        var (exit, stdout, stderr) = await RunWithPostgresEnvironmentAsync("list", "--db", _dir.File("local.db"));

        Assert.True(exit == 0, stderr);
        Assert.Empty(stdout.Trim()); // an empty SQLite store, not a PostgreSQL connection error
        Assert.True(File.Exists(_dir.File("local.db")));

        (exit, _, stderr) = await RunWithPostgresEnvironmentAsync("export-training", "--task", "stance");
        Assert.Equal(2, exit);
        Assert.Contains("--db", stderr, StringComparison.Ordinal);
        Assert.Contains("THREATSCORER__STORE__PROVIDER=Sqlite", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_ForcedWithARandomModelZip_ExitsThreeNamingTheFileAndActivatesNothing()
    {
        var models = Directory.CreateDirectory(_dir.File("models")).FullName;
        var candidate = Directory.CreateDirectory(_dir.File("candidates/stance-20990101-badc0ffe")).FullName;
        var shipped = ThreatScorer.Core.Models.ModelRegistry.ResolveActiveDirectory(RepoPaths.Models, "stance"); // an n-gram version: its model is model.zip
        File.Copy(Path.Combine(shipped, "metrics.json"), Path.Combine(candidate, "metrics.json"));
        var junk = new byte[4096];
        new Random(5).NextBytes(junk);
        File.WriteAllBytes(Path.Combine(candidate, "model.zip"), junk);

        var (exit, _, stderr) = await RunAsync("promote", "--task", "stance", candidate, "--models", models, "--force");

        Assert.Equal(3, exit);
        Assert.Contains("model.zip", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(models, "stance", "ACTIVE")));
    }

    [Fact]
    public async Task Rollback_And_ModelsHistory_WalkBackAndPrintNewestFirst()
    {
        var models = Directory.CreateDirectory(_dir.File("models")).FullName;
        string[] versions = ["stance-20261128-b247e224", "stance-20261128-f89b35fb"];
        foreach (var version in versions)
        {
            var target = Directory.CreateDirectory(Path.Combine(models, "stance", version)).FullName;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Models, "stance", version)))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        ThreatScorer.Core.Models.ModelRegistry.Activate(models, "stance", versions[0]);
        ThreatScorer.Core.Models.ModelRegistry.Activate(models, "stance", versions[1], note: new ThreatScorer.Core.Models.ActivationNote("promote", Forced: true));

        var (exit, _, stderr) = await RunAsync("rollback", "--task", "stance", "--models", models, "--to", "stance-20990101-00000000");
        Assert.Equal(1, exit);
        Assert.Contains("never active", stderr, StringComparison.Ordinal);

        (exit, var stdout, stderr) = await RunAsync("rollback", "--task", "stance", "--models", models, "--steps", "1");
        Assert.True(exit == 0, stderr);
        Assert.Contains($"{versions[1]} -> {versions[0]}", stdout, StringComparison.Ordinal);

        (exit, stdout, stderr) = await RunAsync("models", "history", "--task", "stance", "--models", models);
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"{versions[1]} -> {versions[0]}  rollback", lines[0], StringComparison.Ordinal);
        Assert.Contains($"{versions[0]} -> {versions[1]}  promote (forced)", lines[1], StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunWithPostgresEnvironmentAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string>
        {
            ["THREATSCORER__STORE__PROVIDER"] = "PostgreSql",
            ["THREATSCORER__STORE__CONNECTIONSTRING"] = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2",
        }, args);

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string>(), args);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(Dictionary<string, string> environment, string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "threatscorer.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
