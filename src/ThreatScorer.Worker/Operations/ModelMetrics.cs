using System.Diagnostics.Metrics;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Worker.Scheduling;

namespace ThreatScorer.Worker.Operations;

/// <summary>
/// <c>threatscorer.models.loaded</c>: one series per loaded model, value 1, tagged with its task and version, so
/// a dashboard shows which versions each worker runs.
/// </summary>
public sealed class ModelMetrics
{
    public ModelMetrics(IMeterFactory meterFactory, WorkerState state)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ScoringMetrics.MeterName);
        meter.CreateObservableGauge("threatscorer.models.loaded", () => Observe(state.Models), "{model}", "Loaded model versions (value 1 per task and version).");
    }

    private static IEnumerable<Measurement<int>> Observe(ModelVersions? versions) => versions is null ? [] :
    [
        Loaded("stance", versions.Stance),
        Loaded("sentiment", versions.Sentiment),
        Loaded("threat", versions.Threat),
        Loaded("interaction", versions.Interaction),
    ];

    private static Measurement<int> Loaded(string task, string version) =>
        new(1, new KeyValuePair<string, object?>("task", task), new KeyValuePair<string, object?>("version", version));
}
