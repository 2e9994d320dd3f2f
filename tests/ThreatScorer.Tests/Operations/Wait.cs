namespace ThreatScorer.Tests.Operations;

/// <summary>Polls a condition: a guard against hanging forever, not a speed assertion.</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? limit = null, string what = "the condition")
    {
        var deadline = limit ?? TimeSpan.FromMinutes(3);
        var waited = TimeSpan.Zero;
        while (!await condition())
        {
            if (waited >= deadline)
            {
                throw new TimeoutException($"Waited {deadline} for {what}.");
            }

            await Task.Delay(100);
            waited += TimeSpan.FromMilliseconds(100);
        }
    }
}
