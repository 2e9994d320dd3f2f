using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Tests.Models;

/// <summary>Stance and sentiment models trained once per test class on tiny written data (seed 1), activated.</summary>
public sealed class TrainedTinyModels : IAsyncLifetime
{
    public static readonly DateTimeOffset TrainingDate = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ts-models-" + Guid.NewGuid().ToString("N"));

    public string TrainFile => Path.Combine(Root, "data", "train.jsonl");

    public string DevFile => Path.Combine(Root, "data", "dev.jsonl");

    public string ModelsRoot => Path.Combine(Root, "models");

    public TrainingResult Stance { get; private set; } = null!;

    public TrainingResult Sentiment { get; private set; } = null!;

    public static TrainingRequest Request(string task, string train, string dev, string modelsRoot) =>
        new(task, [train], [dev], Seed: 1, modelsRoot) { Activate = true, MeasureThroughput = false };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "data"));
        TinyPolarityData.Write(TrainFile, 300, seed: 7);
        TinyPolarityData.Write(DevFile, 90, seed: 8);
        var time = new FakeTimeProvider(TrainingDate);
        Stance = await new StanceTrainer(time).TrainAsync(Request(ModelTasks.Stance, TrainFile, DevFile, ModelsRoot), null, CancellationToken.None);
        Sentiment = await new SentimentTrainer(time).TrainAsync(Request(ModelTasks.Sentiment, TrainFile, DevFile, ModelsRoot), null, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        return Task.CompletedTask;
    }
}
