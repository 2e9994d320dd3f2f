using System.Globalization;
using System.Text.Json;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;
using ThreatScorer.Tests.Actors;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Models;

public sealed class DistillationPoolTests : IDisposable
{
    private const string Statement = "Russia vows to shield Tajikistan as the threat of Taliban terrorism rises. The Taliban attacked a border post near Kabul on Friday, officials said.";
    private readonly TempDirectory _dir = new();
    private readonly ActorRecognizer _actors = ActorTestText.Recognizer;

    public void Dispose() => _dir.Dispose();

    private string Articles() => _dir.Write("articles.jsonl", JsonSerializer.Serialize(new { id = "a-1", title = "Border", text = Statement }) + "\n");

    private string NewsMtsc() => _dir.Write("train.jsonl", JsonSerializer.Serialize(new
    {
        mention = "Russia", polarity = 1, from = 0, to = 6, id = "n-1",
        sentence = "Russia sent aid to Tajikistan while the Taliban shelled Kabul.",
    }) + "\n");

    [Fact]
    public async Task Collect_FindsActorMentionsInArticleSentences_ByReference()
    {
        var found = await DistillationPool.CollectAsync("whitehouse", Articles(), _actors, CancellationToken.None);

        var names = found.Select(f => f.Sentence[f.Mention.From..f.Mention.To]).ToList();
        Assert.Contains("Russia", names);
        Assert.Contains("Tajikistan", names);
        Assert.Contains("Taliban", names);
        Assert.All(found, f => Assert.Equal(("whitehouse", "a-1"), (f.Mention.Dataset, f.Mention.Id)));
    }

    [Fact]
    public async Task Collect_ForNewsMtsc_TakesOnlyActorsThatAreNotGoldTargets()
    {
        var found = await DistillationPool.CollectAsync(DistillationPool.NewsMtsc, NewsMtsc(), _actors, CancellationToken.None);

        var names = found.Select(f => f.Sentence[f.Mention.From..f.Mention.To]).ToList();
        Assert.DoesNotContain("Russia", names);
        Assert.Contains("Tajikistan", names);
        Assert.Contains("Taliban", names);
    }

    [Fact]
    public async Task Labels_RoundTripWithoutText_AndResolveToTheSameSentenceAndTarget()
    {
        var articles = Articles();
        var found = await DistillationPool.CollectAsync("whitehouse", articles, _actors, CancellationToken.None);
        var labels = found.Select(f => new PoolLabel(f.Mention, PolarityLabels.Negative, [0.7f, 0.2f, 0.1f])).ToList();
        var file = _dir.File("labels.jsonl");

        await DistillationPool.WriteLabelsAsync(file, labels, CancellationToken.None);
        var read = await DistillationPool.ReadLabelsAsync(file, CancellationToken.None);
        var resolved = await DistillationPool.ResolveAsync(read, new Dictionary<string, string> { ["whitehouse"] = articles }, CancellationToken.None);

        var written = await File.ReadAllTextAsync(file);
        Assert.DoesNotContain("shield", written, StringComparison.Ordinal);
        Assert.DoesNotContain("Taliban", written, StringComparison.Ordinal);
        Assert.Equal(found.Count, resolved.Count);
        for (var i = 0; i < found.Count; i++)
        {
            Assert.Equal(found[i].Sentence, resolved[i].Input.Sentence);
            Assert.Equal((found[i].Mention.From, found[i].Mention.To), (resolved[i].Input.From, resolved[i].Input.To));
            Assert.Equal(0.7f, resolved[i].Label.Confidence, 3);
        }
    }

    [Fact]
    public async Task Resolve_WhenTheSourceTextChanged_RefusesWithTheItem()
    {
        var found = await DistillationPool.CollectAsync("whitehouse", Articles(), _actors, CancellationToken.None);
        var labels = found.Select(f => new PoolLabel(f.Mention, PolarityLabels.Neutral, [0.1f, 0.8f, 0.1f])).ToList();
        var changed = _dir.Write("changed.jsonl", JsonSerializer.Serialize(new { id = "a-1", title = "Border", text = Statement.Replace("vows", "pledges", StringComparison.Ordinal) }) + "\n");

        var ex = await Assert.ThrowsAsync<DistillationDataException>(() =>
            DistillationPool.ResolveAsync(labels, new Dictionary<string, string> { ["whitehouse"] = changed }, CancellationToken.None));

        Assert.Contains("a-1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_WhenDatasetIsNotGiven_NamesTheMissingSetting()
    {
        var found = await DistillationPool.CollectAsync("whitehouse", Articles(), _actors, CancellationToken.None);
        var labels = found.Select(f => new PoolLabel(f.Mention, PolarityLabels.Neutral, [0.1f, 0.8f, 0.1f])).ToList();

        var ex = await Assert.ThrowsAsync<DistillationDataException>(() =>
            DistillationPool.ResolveAsync(labels, new Dictionary<string, string>(), CancellationToken.None));

        Assert.Contains("--dataset whitehouse=", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_IsSeededAndKeepsSourceOrder()
    {
        var items = Enumerable.Range(0, 100).ToList();

        var a = DistillationPool.Sample(items, 10, seed: 7);
        var b = DistillationPool.Sample(items, 10, seed: 7);

        Assert.Equal(a, b);
        Assert.Equal(a.Order(), a);
        Assert.Equal(10, a.Distinct().Count());
    }

    [Fact]
    public async Task Train_WithDistillLabels_AddsTheTeacherExamplesAndRecordsThem()
    {
        var articles = Articles();
        var found = await DistillationPool.CollectAsync("whitehouse", articles, _actors, CancellationToken.None);
        var labelsFile = _dir.File("labels.jsonl");
        await DistillationPool.WriteLabelsAsync(labelsFile, found.Select(f => new PoolLabel(f.Mention, PolarityLabels.Negative, [0.9f, 0.05f, 0.05f])), CancellationToken.None);
        var train = Directory.GetFiles(Path.Combine(RepoPaths.Seeds, "training", "stance"), "team-stance-0*.jsonl").Order(StringComparer.Ordinal).Take(2).ToList();
        train.Add(train[0]); // a file given twice counts twice, and the card says so
        var request = new TrainingRequest(ModelTasks.Stance, train, [], 1, _dir.File("models"))
        {
            DistillLabelFiles = [labelsFile],
            Datasets = new Dictionary<string, string> { ["whitehouse"] = articles },
            Hyperparameters = TextClassifierHyperparameters.StanceDefault with { DistillWeight = 0.5f },
            MeasureThroughput = false,
        };

        var result = await ModelTraining.TrainAsync(request, TimeProvider.System, null, CancellationToken.None);

        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(result.ModelDirectory, "metrics.json")));
        Assert.Equal(found.Count, metrics.RootElement.GetProperty("distillExamples").GetInt32());
        Assert.Equal(0.5, metrics.RootElement.GetProperty("hyperparameters").GetProperty("distillWeight").GetDouble(), 3);
        var card = await File.ReadAllTextAsync(Path.Combine(result.ModelDirectory, "model-card.md"));
        Assert.Contains("Distillation:", card, StringComparison.Ordinal);
        // The pool dataset is named with its count and licence, and the gold count leaves the teacher's examples out.
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"- `whitehouse`: {found.Count} mentions — White House"), card, StringComparison.Ordinal);
        Assert.Contains("public domain", card, StringComparison.Ordinal);
        Assert.Contains($"`{Path.GetFileName(train[0])}` (given 2×", card, StringComparison.Ordinal);
        var goldLines = train.Sum(f => File.ReadLines(f).Count(l => l.Trim().Length > 0));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"one example ({goldLines} gold examples;"), card, StringComparison.Ordinal);
        Assert.Equal(goldLines + found.Count, metrics.RootElement.GetProperty("trainExamples").GetInt32());
        Assert.Contains($"- `{Path.GetFileName(train[1])}`\n", card, StringComparison.Ordinal);
        Assert.Single(card.Split('\n'), l => l.StartsWith($"- `{Path.GetFileName(train[0])}`", StringComparison.Ordinal));
        var model = StanceModel.Load(result.ModelDirectory);
        // Two small files decide no particular label; the trained model must still give a distribution.
        var prediction = model.Predict("The Taliban attacked a border post.", 4, 11);
        Assert.Contains(prediction.Label, PolarityLabels.All);
        Assert.Equal(PolarityLabels.All.Order(StringComparer.Ordinal), prediction.Probabilities.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1.0, prediction.Probabilities.Values.Sum(p => (double)p), 3);
        Assert.Equal(prediction.Label, prediction.Probabilities.MaxBy(p => p.Value).Key);
    }

    [Fact]
    public void Hyperparameters_DistillSettingsAreSettable_AndAbsentFromJsonWhenUnset()
    {
        var hp = Hyperparameters.Override(ModelTasks.Stance, ["distillWeight=0.3", "distillMinConfidence=0.6"])!;

        Assert.Equal(0.3f, hp.DistillWeight);
        Assert.Equal(0.6f, hp.DistillMinConfidence);
        Assert.DoesNotContain("distill", JsonSerializer.Serialize(TextClassifierHyperparameters.StanceDefault), StringComparison.OrdinalIgnoreCase);
    }
}
