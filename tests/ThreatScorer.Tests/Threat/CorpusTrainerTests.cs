using System.Security.Cryptography;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;
using ThreatScorer.Core.Training;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Threat;

public sealed class CorpusTrainerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Train_InteractionOnTeamCorpus_ReloadsAndBeatsChanceOnDevGroups()
    {
        var result = await Train(ModelTasks.Interaction, "a");

        var dev = Assert.Single(result.DevEvaluations, d => d.File.Contains("team", StringComparison.Ordinal));
        Assert.True(dev.Report.MacroF1 > 0.45, $"macro-F1 {dev.Report.MacroF1:F3}");
        var model = InteractionModel.Load(result.ModelDirectory);
        var prediction = Assert.Single(model.PredictBatch([new ThreatInput("Rebels shelled the border town overnight, killing six.", string.Empty)], CancellationToken.None));
        Assert.Equal("material_conflict", prediction.Label);
    }

    [Fact]
    public async Task Train_SameDataAndSeedTwice_GivesIdenticalModelFiles()
    {
        var first = await Train(ModelTasks.Interaction, "one");
        var second = await Train(ModelTasks.Interaction, "two");

        Assert.Equal(Hash(Path.Combine(first.ModelDirectory, ModelRegistry.ModelFileName)), Hash(Path.Combine(second.ModelDirectory, ModelRegistry.ModelFileName)));
        Assert.Equal(first.Fingerprint, second.Fingerprint);
    }

    private async Task<TrainingResult> Train(string task, string folder)
    {
        // A slice of the corpus keeps the test quick; the shipped model is trained on all of it.
        var request = new TrainingRequest(task, [Path.Combine(RepoPaths.Seeds, "training", "threat")], [], 7, _dir.File(folder))
        {
            MaxTrainExamples = 1500,
            GazetteerPath = Path.Combine(RepoPaths.Models, "actors", "gazetteer.json"),
            ThreatHyperparameters = ThreatHyperparameters.Default with { CharNgramLength = 0 },
        };
        return await ModelTraining.TrainAsync(request, TimeProvider.System, null, CancellationToken.None);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
