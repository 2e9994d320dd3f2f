using System.Text.Json;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Tests.Models;

public sealed class BatchPredictorTests(TrainedTinyModels tiny) : IClassFixture<TrainedTinyModels>
{
    [Fact]
    public async Task RunAsync_Stance_WritesOneLinePerInputWithProbabilities()
    {
        var input = TempFile(
            """{"id":"a","sentence":"Critics praised Smith for the successful and generous reform.","from":15,"to":20}""",
            string.Empty,
            """{"id":7,"text":"Voters condemned the mayor over the corruption scandal and lies.","from":17,"to":26}""");
        var output = input + ".out.jsonl";

        var count = await BatchPredictor.ForModelsRoot(tiny.ModelsRoot).RunAsync("stance", input, output, CancellationToken.None);

        Assert.Equal(2, count);
        var lines = File.ReadAllLines(output);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("a", first.RootElement.GetProperty("id").GetString());
        Assert.Equal(7, second.RootElement.GetProperty("id").GetInt32());
        Assert.Equal("positive", first.RootElement.GetProperty("label").GetString());
        Assert.Equal("negative", second.RootElement.GetProperty("label").GetString());
        var probabilities = first.RootElement.GetProperty("probabilities");
        Assert.Equal(["negative", "neutral", "positive"], probabilities.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1.0, probabilities.EnumerateObject().Sum(p => p.Value.GetDouble()), 3);
    }

    [Fact]
    public async Task RunAsync_NewsMtscFileUnchanged_IsAcceptedForStance()
    {
        var output = tiny.DevFile + ".pred.jsonl";
        var count = await BatchPredictor.ForModelsRoot(tiny.ModelsRoot).RunAsync("stance", tiny.DevFile, output, CancellationToken.None);
        Assert.Equal(File.ReadAllLines(tiny.DevFile).Length, count);
    }

    [Fact]
    public async Task RunAsync_Sentiment_ReadsTextAndWritesLabels()
    {
        using var input = new StringReader("{\"id\":\"s1\",\"text\":\"Residents thanked Lee for wonderful leadership and great work.\"}\n");
        using var output = new StringWriter();

        var count = await BatchPredictor.ForModelsRoot(tiny.ModelsRoot).RunAsync("sentiment", input, output, "stdin", CancellationToken.None);

        Assert.Equal(1, count);
        using var line = JsonDocument.Parse(output.ToString().Trim());
        Assert.Equal("positive", line.RootElement.GetProperty("label").GetString());
    }

    [Theory]
    [InlineData("{\"id\":\"x\",\"sentence\":\"Smith spoke.\",\"from\":0", "invalid JSON")]
    [InlineData("{\"id\":\"x\",\"sentence\":\"Smith spoke.\",\"from\":0}", "missing field \"to\"")]
    [InlineData("{\"id\":\"x\",\"sentence\":\"Smith spoke.\",\"from\":0,\"to\":99}", "out of range")]
    [InlineData("{\"id\":\"x\",\"sentence\":\"Smith spoke.\",\"from\":\"0\",\"to\":5}", "must be an integer")]
    [InlineData("{\"sentence\":\"Smith spoke.\",\"from\":0,\"to\":5}", "missing field \"id\"")]
    [InlineData("[1,2]", "expected a JSON object")]
    public async Task RunAsync_MalformedLine_ThrowsWithLineNumberAndWritesNothing(string badLine, string reason)
    {
        var input = TempFile(
            """{"id":"ok1","sentence":"Smith spoke.","from":0,"to":5}""",
            """{"id":"ok2","sentence":"Lee spoke.","from":0,"to":3}""",
            badLine);
        var output = input + ".out.jsonl";

        var ex = await Assert.ThrowsAsync<InputFormatException>(
            () => BatchPredictor.ForModelsRoot(tiny.ModelsRoot).RunAsync("stance", input, output, CancellationToken.None));

        Assert.Equal(3, ex.Line);
        Assert.Equal(input, ex.File);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Contains($"{input}:3:", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!, "*.tmp"));
    }

    [Fact]
    public async Task RunAsync_UnknownTask_ThrowsListingKnownTasks()
    {
        using var input = new StringReader(string.Empty);
        using var output = new StringWriter();
        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => BatchPredictor.ForModelsRoot(tiny.ModelsRoot).RunAsync("weather", input, output, "stdin", CancellationToken.None));
        Assert.Contains("sentiment, stance", ex.Message, StringComparison.Ordinal);
    }

    private string TempFile(params string[] lines)
    {
        var dir = Path.Combine(tiny.Root, "batch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "input.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }
}
