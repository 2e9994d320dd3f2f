using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Feeds;
using ThreatScorer.Web.Hosting;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>
/// On PostgreSQL the worker scores and stores; alert rules, feed watermarks and the analyst UI keep their tables in
/// SQLite only for now. Asking for them with the PostgreSql provider is a start-up error naming the settings,
/// rather than a replica that quietly writes a local file nobody else sees.
/// </summary>
public sealed class StoreFeaturesValidator(IConfiguration configuration) : IValidateOptions<ThreatScorerOptions>
{
    public ValidateOptionsResult Validate(string? name, ThreatScorerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Store.IsPostgres)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        if (configuration.GetValue<bool>($"{AlertOptions.SectionName}:Enabled"))
        {
            problems.Add($"{AlertOptions.SectionName}:Enabled needs the Sqlite store (alerts are not on PostgreSQL yet).");
        }

        if (configuration.GetSection($"{FeedOptions.SectionName}:Sources").GetChildren().Any())
        {
            problems.Add($"{FeedOptions.SectionName}:Sources needs the Sqlite store (feed watermarks are not on PostgreSQL yet).");
        }

        if (configuration.GetValue<bool>($"{WebOptions.SectionName}:Enabled"))
        {
            problems.Add($"{WebOptions.SectionName}:Enabled needs the Sqlite store (the analyst UI reads SQLite; it is not on PostgreSQL yet).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
