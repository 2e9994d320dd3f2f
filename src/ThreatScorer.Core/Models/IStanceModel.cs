namespace ThreatScorer.Core.Models;

/// <summary>
/// A loaded stance model of any kind (<see cref="StanceModelLoader"/>): the n-gram <see cref="StanceModel"/>, or an
/// encoder model from ThreatScorer.Encoders. Implementations are thread-safe.
/// </summary>
public interface IStanceModel
{
    /// <summary>The version folder name, e.g. <c>stance-20261128-1a2b3c4d</c>.</summary>
    string Version { get; }

    /// <summary>Predicts every input; results are in input order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A span is empty or not inside its sentence.</exception>
    IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<StanceInput> inputs, CancellationToken cancellationToken);
}

/// <summary>Loads the stance version folders of one kind (<c>"kind"</c> in metrics.json).</summary>
public interface IStanceModelKind
{
    /// <summary>The value of <c>"kind"</c> in metrics.json this loader reads, e.g. <c>encoder</c>.</summary>
    string Kind { get; }

    /// <summary>Loads a version folder whose metrics.json (<paramref name="metadata"/>) names this kind.</summary>
    /// <exception cref="ModelLoadException">A file is missing, corrupt or does not fit; the message names the path.</exception>
    IStanceModel Load(string modelDirectory, System.Text.Json.JsonElement metadata);
}
