using Microsoft.Extensions.Options;
using Quartz;

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
}

/// <summary>Reports every invalid schedule setting at once, each by its full name.</summary>
public sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
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

        if (!options.RunAtStart && options.RunOnce)
        {
            problems.Add($"{ScheduleOptions.SectionName}:RunOnce needs RunAtStart = true (otherwise nothing would run before it stops).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
