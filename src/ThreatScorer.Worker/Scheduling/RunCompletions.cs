using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>The last run's summary, for health reporting and for tests that wait on a run.</summary>
public sealed class RunCompletions
{
    private readonly Lock _gate = new();
    private RunSummary? _last;
    private int _count;

    public RunSummary? Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Record(RunSummary summary)
    {
        lock (_gate)
        {
            _last = summary;
            _count++;
        }
    }
}
