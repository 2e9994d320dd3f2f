using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Ingestion;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Configuration;

/// <summary>Registers the pipeline (ingest → clean → actors → models → assessment → store).</summary>
public static class ThreatScorerServiceCollectionExtensions
{
    /// <summary>
    /// Adds options (validated at start), the store, the models (loaded once, on first use or at start by
    /// <see cref="StartupTasks"/>) and the pipeline services.
    /// </summary>
    public static IServiceCollection AddThreatScorerCore(this IServiceCollection services)
    {
        services.AddOptions<ThreatScorerOptions>()
            .BindConfiguration(ThreatScorerOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ThreatScorerOptions>, ThreatScorerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ScoringMetrics>();

        services.TryAddSingleton<IArticleStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ThreatScorerOptions>>().Value;
            return options.Store.IsPostgres
                ? new PostgresArticleStore(options.Store.ConnectionString!, sp.GetRequiredService<TimeProvider>())
                : new SqliteArticleStore(options.Store.SqlitePath, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton(sp => ScoringModelProvider.Load(
            sp.GetRequiredService<IOptions<ThreatScorerOptions>>().Value.Models.Root,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<ScoringModelProvider>(),
            // Hosts that carry ThreatScorer.Encoders register a loader with the encoder kind (AddThreatScorerEncoders).
            sp.GetService<StanceModelLoader>()));
        services.TryAddSingleton(sp => new TextCleaner(sp.GetRequiredService<IOptions<ThreatScorerOptions>>().Value.Inbox.Limits));
        services.TryAddSingleton<ArticleFileReader>();
        services.TryAddSingleton<ArticleScorer>();
        services.TryAddSingleton<IArticleScorer>(sp => sp.GetRequiredService<ArticleScorer>());
        services.TryAddSingleton<InboxIngestor>();
        services.TryAddSingleton<ScoringRun>();
        services.TryAddSingleton<Rescoring>();
        services.TryAddSingleton<StartupTasks>();
        services.AddThreatScorerAlerts();
        return services;
    }

    /// <summary>
    /// Alert rules and deliveries over the configured SQLite file, the matching that runs after each save, and
    /// the webhook sender (one pooled <see cref="HttpClient"/>; each POST has its own timeout).
    /// </summary>
    public static IServiceCollection AddThreatScorerAlerts(this IServiceCollection services)
    {
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName).ValidateOnStart()
            .PostConfigure<Microsoft.Extensions.Configuration.IConfiguration>((o, configuration) =>
            {
                o.ReviewBaseUrl ??= configuration["ThreatScorer:Web:Url"];
                // Alert rules and deliveries live in SQLite only: on PostgreSQL they are off unless asked for, and
                // asking is refused at start (StoreFeaturesValidator), so no replica polls a store that has no tables.
                if (string.Equals(configuration["ThreatScorer:Store:Provider"], "PostgreSql", StringComparison.OrdinalIgnoreCase)
                    && configuration[$"{AlertOptions.SectionName}:Enabled"] is null)
                {
                    o.Enabled = false;
                }
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqliteAlertStore(
            sp.GetRequiredService<IOptions<ThreatScorerOptions>>().Value.Store.SqlitePath, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<AlertMatching>();
        services.TryAddSingleton(sp => new WebhookTargets(sp.GetRequiredService<IOptions<AlertOptions>>().Value.AllowedWebhookHosts));
        services.TryAddSingleton(sp => new AlertWebhookSender(
            sp.GetRequiredService<SqliteAlertStore>(),
            // The handler re-checks every address it dials (SSRF, DNS rebinding) and follows no redirects; pooled
            // connections are recycled so a webhook host's DNS change is picked up; the per-request timeout is the
            // sender's (AlertOptions.RequestTimeout), the client's is only a backstop.
            new HttpClient(sp.GetRequiredService<WebhookTargets>().CreateHandler())
            {
                Timeout = TimeSpan.FromMinutes(5),
            },
            sp.GetRequiredService<IOptions<AlertOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AlertWebhookSender>>()));
        return services;
    }
}
