using Microsoft.Extensions.Options;
using Quartz;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>When the scoring job runs and how much it takes at once ("ThreatScorer:Schedule").</summary>
public sealed class ScheduleOptions
{
    public const string SectionName = "ThreatScorer:Schedule";

    /// <summary>Quartz cron (with seconds); the default fires at the start of every minute.</summary>
    public string Cron { get; set; } = "0 * * * * ?";

    /// <summary>Also run once as soon as the worker has started.</summary>
    public bool RunAtStart { get; set; } = true;

    /// <summary>Articles read from the store per batch.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Scoring attempts before an article is marked failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Stop the worker after its first run (for batch use and cron-driven containers).</summary>
    public bool RunOnce { get; set; }

    /// <summary>How long a claim on a batch holds before another replica may take its articles (renewed while scoring).</summary>
    public TimeSpan ClaimLease { get; set; } = ScoringRunSettings.DefaultLease;

    /// <summary>How long an article that failed waits before it is tried again.</summary>
    public TimeSpan RetryDelay { get; set; } = ScoringRunSettings.DefaultRetryDelay;

    /// <summary>How long a run waits (with back-off) for a store that went away before the run fails.</summary>
    public TimeSpan MaxStoreOutage { get; set; } = ScoringRunSettings.DefaultMaxStoreOutage;

    /// <summary>This worker's claim identity; empty: <see cref="WorkerIdentity.Default"/> (host name, process id and a random part).</summary>
    public string? WorkerId { get; set; }
}

/// <summary>Reports every invalid schedule setting at once, each by its full name.</summary>
public sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    private const int MaxWorkerIdLength = 200;

    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!CronExpression.TryParse(options.Cron, out _))
        {
            problems.Add($"{ScheduleOptions.SectionName}:Cron '{options.Cron}' is not a valid Quartz cron expression (e.g. '0 * * * * ?').");
        }

        if (options.BatchSize is < 1 or > 10_000)
        {
            problems.Add($"{ScheduleOptions.SectionName}:BatchSize must be between 1 and 10000 (got {options.BatchSize}).");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            problems.Add($"{ScheduleOptions.SectionName}:MaxAttempts must be between 1 and 100 (got {options.MaxAttempts}).");
        }

        if (options.ClaimLease < TimeSpan.FromSeconds(1) || options.ClaimLease > TimeSpan.FromHours(24))
        {
            problems.Add($"{ScheduleOptions.SectionName}:ClaimLease must be between 00:00:01 and 1.00:00:00 (got {options.ClaimLease}).");
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            problems.Add($"{ScheduleOptions.SectionName}:RetryDelay must not be negative (got {options.RetryDelay}).");
        }

        if (options.MaxStoreOutage < TimeSpan.Zero)
        {
            problems.Add($"{ScheduleOptions.SectionName}:MaxStoreOutage must not be negative (got {options.MaxStoreOutage}).");
        }

        if (options.WorkerId is { } id)
        {
            if (id.Length > MaxWorkerIdLength)
            {
                problems.Add($"{ScheduleOptions.SectionName}:WorkerId must be at most {MaxWorkerIdLength} characters (got {id.Length}: '{Printable(id[..40])}…').");
            }

            if (Array.FindIndex(id.ToCharArray(), char.IsControl) is var at and >= 0)
            {
                problems.Add($"{ScheduleOptions.SectionName}:WorkerId must not contain control characters (got U+{(int)id[at]:X4} at position {at + 1} of '{Printable(id.Length > MaxWorkerIdLength ? id[..40] + "…" : id)}').");
            }
        }

        if (!options.RunAtStart && options.RunOnce)
        {
            problems.Add($"{ScheduleOptions.SectionName}:RunOnce needs RunAtStart = true (otherwise nothing would run before it stops).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The value with each control character written as \uXXXX, so the message shows where it is.</summary>
    private static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : new string(c, 1)));
}
