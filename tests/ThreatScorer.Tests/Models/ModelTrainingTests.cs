using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Tests.Models;

public sealed class ModelTrainingTests(TrainedTinyModels tiny) : IClassFixture<TrainedTinyModels>
{
    [Fact]
    public void Train_OnTinyData_WritesVersionFolderCardMetricsAndActive()
    {
        Assert.Matches("^stance-20261128-[0-9a-f]{8}$", tiny.Stance.Version);
        Assert.Equal(tiny.Stance.Version, File.ReadAllText(Path.Combine(tiny.ModelsRoot, "stance", "ACTIVE")).Trim());
        Assert.Equal(tiny.Stance.ModelDirectory, ModelRegistry.ResolveActiveDirectory(tiny.ModelsRoot, ModelTasks.Stance));
        foreach (var file in new[] { "model.zip", "model-card.md", "metrics.json" })
        {
            Assert.True(File.Exists(Path.Combine(tiny.Stance.ModelDirectory, file)), file);
        }

        var card = File.ReadAllText(Path.Combine(tiny.Stance.ModelDirectory, "model-card.md"));
        Assert.Contains("Copyright 2020 Felix Hamborg", card, StringComparison.Ordinal);
        Assert.Contains(tiny.Stance.Fingerprint, card, StringComparison.Ordinal);
        Assert.Contains("2026-11-28", card, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_OnTinyData_LearnsTheTemplates()
    {
        Assert.True(tiny.Stance.DevEvaluations[0].Report.MacroF1 >= 0.9, $"stance macro-F1 {tiny.Stance.DevEvaluations[0].Report.MacroF1}");
        Assert.True(tiny.Sentiment.DevEvaluations[0].Report.MacroF1 >= 0.9, $"sentiment macro-F1 {tiny.Sentiment.DevEvaluations[0].Report.MacroF1}");
    }

    [Fact]
    public async Task Train_TwiceWithSameDataAndSeed_GivesByteIdenticalModel()
    {
        var otherRoot = Path.Combine(tiny.Root, "again-" + Guid.NewGuid().ToString("N"));
        var again = await new StanceTrainer(new FakeTimeProvider(TrainedTinyModels.TrainingDate))
            .TrainAsync(TrainedTinyModels.Request(ModelTasks.Stance, tiny.TrainFile, tiny.DevFile, otherRoot), null, CancellationToken.None);

        Assert.Equal(tiny.Stance.Version, again.Version);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(tiny.Stance.ModelDirectory, "model.zip")),
            File.ReadAllBytes(Path.Combine(again.ModelDirectory, "model.zip")));
    }

    [Fact]
    public void Load_SavedModelFromCopiedFolder_GivesIdenticalPredictions()
    {
        var copy = Path.Combine(tiny.Root, "copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(tiny.Stance.ModelDirectory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var first = StanceModel.Load(tiny.Stance.ModelDirectory);
        var second = StanceModel.Load(copy);
        var inputs = new List<StanceInput>
        {
            new("Critics praised Smith for the successful and generous reform.", 15, 20),
            new("Voters condemned the mayor over the corruption scandal and lies.", 17, 26),
            new("Lee met Analysts on Tuesday in the capital.", 0, 3),
        };

        Assert.Equal(first.Version, second.Version);
        var batchFirst = first.PredictBatch(inputs, CancellationToken.None);
        var batchSecond = second.PredictBatch(inputs, CancellationToken.None);
        for (var i = 0; i < inputs.Count; i++)
        {
            var single = second.Predict(inputs[i].Sentence, inputs[i].From, inputs[i].To);
            Assert.Equal(batchFirst[i].Label, batchSecond[i].Label);
            Assert.Equal(batchFirst[i].Label, single.Label);
            foreach (var label in PolarityLabels.All)
            {
                Assert.Equal(batchFirst[i].Probabilities[label], batchSecond[i].Probabilities[label]);
                Assert.Equal(batchFirst[i].Probabilities[label], single.Probabilities[label], 5);
            }
        }

        Assert.Equal(["positive", "negative", "neutral"], batchFirst.Select(p => p.Label));
    }

    [Fact]
    public async Task Predict_FromManyThreads_MatchesSequentialPredictions()
    {
        var model = StanceModel.Load(tiny.Stance.ModelDirectory);
        const string sentence = "Reporters blamed Senator Park for the disastrous failure and the chaos.";
        var expected = model.Predict(sentence, 17, 28);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 200).Select(_ => model.Predict(sentence, 17, 28)).ToList())));
        Assert.All(results.SelectMany(r => r), p => Assert.Equal(expected.Probabilities[expected.Label], p.Probabilities[p.Label]));
    }

    [Fact]
    public async Task ModelTraining_UnknownTask_ThrowsNamingTheTrainableTasks()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ModelTraining.TrainAsync(
            new TrainingRequest("weather", [tiny.TrainFile], [], 1, tiny.ModelsRoot), TimeProvider.System, null, CancellationToken.None));
        Assert.Contains("stance", ex.Message, StringComparison.Ordinal);
    }
}
