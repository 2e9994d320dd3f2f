using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Ingestion;
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
            return new SqliteArticleStore(options.Store.SqlitePath, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton(sp => ScoringModelProvider.Load(
            sp.GetRequiredService<IOptions<ThreatScorerOptions>>().Value.Models.Root,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<ScoringModelProvider>()));
        services.TryAddSingleton(sp => new TextCleaner(sp.GetRequiredService<IOptions<ThreatScorerOptions>>().Value.Inbox.Limits));
        services.TryAddSingleton<ArticleFileReader>();
        services.TryAddSingleton<ArticleScorer>();
        services.TryAddSingleton<InboxIngestor>();
        services.TryAddSingleton<ScoringRun>();
        services.TryAddSingleton<Rescoring>();
        services.TryAddSingleton<StartupTasks>();
        return services;
    }
}
