using Microsoft.Extensions.Options;
using Quartz;
using ThreatScorer.Core.Feeds;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>Checks the feed cron here, where Quartz is; Core's validator checks the rest of the feed settings.</summary>
public sealed class FeedScheduleValidator : IValidateOptions<FeedOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CronExpression.TryParse(options.Cron, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{FeedOptions.SectionName}:Cron '{options.Cron}' is not a valid Quartz cron expression (e.g. '0 */15 * * * ?').");
    }
}
