using Microsoft.Extensions.Logging;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Scoring;

/// <summary>
/// Runs a store operation, and while the store reports a transient failure (unreachable, shutting down, busy)
/// waits with exponential back-off (1 s, 2 s, 4 s … 30 s) and tries again, for at most the allowed outage. Any
/// other error, and the last one after the outage limit, is thrown.
/// </summary>
internal sealed class StoreRetry(IArticleStore store, TimeProvider time, TimeSpan maxOutage, ILogger logger)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public async Task RunAsync(Func<CancellationToken, Task> operation, string what, CancellationToken cancellationToken) =>
        await RunAsync(async ct => { await operation(ct); return true; }, what, cancellationToken);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, string what, CancellationToken cancellationToken)
    {
        long? outageStarted = null;
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await operation(cancellationToken);
                if (outageStarted is { } since)
                {
                    logger.LogInformation("Store is back after {OutageSeconds:F1} s ({Attempts} attempts to {What})",
                        time.GetElapsedTime(since).TotalSeconds, attempt, what);
                }

                return result;
            }
            catch (Exception ex) when (store.IsTransient(ex))
            {
                // Shutting down during an outage: stop waiting; claimed work returns when its lease runs out.
                cancellationToken.ThrowIfCancellationRequested();
                outageStarted ??= time.GetTimestamp();
                var elapsed = time.GetElapsedTime(outageStarted.Value);
                if (elapsed >= maxOutage)
                {
                    logger.LogError(ex, "Store still unavailable after {OutageSeconds:F0} s; giving up to {What}", elapsed.TotalSeconds, what);
                    throw;
                }

                logger.LogWarning("Store unavailable ({Error}); retrying to {What} in {DelaySeconds:F0} s (attempt {Attempt})",
                    ex.Message, what, delay.TotalSeconds, attempt);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }
}
