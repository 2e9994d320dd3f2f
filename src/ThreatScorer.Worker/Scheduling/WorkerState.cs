using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>What readiness needs to know about the worker: models loaded, and when runs started and last succeeded.</summary>
public sealed class WorkerState(TimeProvider time)
{
    private readonly Lock _gate = new();
    private ModelVersions? _models;
    private DateTimeOffset? _runStartedAt;
    private DateTimeOffset? _lastSucceededAt;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public ModelVersions? Models
    {
        get { lock (_gate) { return _models; } }
    }

    /// <summary>When the run now in progress started; null between runs.</summary>
    public DateTimeOffset? RunStartedAt
    {
        get { lock (_gate) { return _runStartedAt; } }
    }

    /// <summary>When the last run that was not cancelled and did not throw ended.</summary>
    public DateTimeOffset? LastSucceededAt
    {
        get { lock (_gate) { return _lastSucceededAt; } }
    }

    public void ModelsLoaded(ModelVersions versions)
    {
        lock (_gate) { _models = versions; }
    }

    public void RunStarted()
    {
        lock (_gate) { _runStartedAt = time.GetUtcNow(); }
    }

    public void RunEnded(bool succeeded)
    {
        lock (_gate)
        {
            _runStartedAt = null;
            if (succeeded)
            {
                _lastSucceededAt = time.GetUtcNow();
            }
        }
    }
}
