using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Training;

/// <summary>Entry point for <c>threatscorer train</c>: picks the trainer for the request's task.</summary>
public static class ModelTraining
{
    /// <summary>The trainers for every task that can be trained today.</summary>
    public static IReadOnlyList<IModelTrainer> Trainers(TimeProvider timeProvider) =>
        [
            new StanceTrainer(timeProvider),
            new SentimentTrainer(timeProvider),
            new Threat.CorpusTrainer(ModelTasks.Threat, timeProvider),
            new Threat.CorpusTrainer(ModelTasks.Interaction, timeProvider),
        ];

    /// <summary>Trains <see cref="TrainingRequest.Task"/> and writes its version folder (and ACTIVE if asked).</summary>
    /// <exception cref="ArgumentException">Unknown task.</exception>
    /// <exception cref="InputFormatException">A malformed data line (file, 1-based line, reason).</exception>
    public static Task<TrainingResult> TrainAsync(
        TrainingRequest request,
        TimeProvider timeProvider,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var trainers = Trainers(timeProvider);
        var trainer = trainers.FirstOrDefault(t => t.Task == request.Task)
            ?? throw new ArgumentException(
                $"Unknown task '{request.Task}'; trainable: {string.Join(", ", trainers.Select(t => t.Task))}.", nameof(request));
        return trainer.TrainAsync(request, progress, cancellationToken);
    }
}
