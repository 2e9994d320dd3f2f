using System.Text.Json;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Core.Configuration;

/// <summary>What a running worker reports about itself: which models it scores with, since when, and its last run.</summary>
public sealed record WorkerStatus(
    int ProcessId,
    DateTimeOffset StartedAt,
    ModelVersions Models,
    DateTimeOffset ModelsLoadedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastRunAt,
    string? LastRun);

/// <summary>
/// The worker's status file, beside the database (<c>data/threatscorer.status.json</c> by default), written with a
/// rename so readers never see half a file; <c>threatscorer status</c> reads it.
/// </summary>
public static class WorkerStatusFile
{
    private static readonly JsonSerializerOptions Json = new(AssessmentJson.Indented);

    public static string PathFor(string databasePath) =>
        Path.ChangeExtension(Path.GetFullPath(databasePath), ".status.json");

    public static async Task WriteAsync(string databasePath, WorkerStatus status, CancellationToken cancellationToken)
    {
        var path = PathFor(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(status, Json), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    public static async Task<WorkerStatus?> ReadAsync(string databasePath, CancellationToken cancellationToken)
    {
        var path = PathFor(databasePath);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<WorkerStatus>(await File.ReadAllTextAsync(path, cancellationToken), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
