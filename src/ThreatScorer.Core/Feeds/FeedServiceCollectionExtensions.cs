using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Feeds;

/// <summary>Registers feed ingestion: options (validated at start), the resilient HttpClient, the state store and the ingestor.</summary>
public static class FeedServiceCollectionExtensions
{
    /// <summary>Adds <see cref="FeedIngestor"/> and what it needs; call after <c>AddThreatScorerCore</c>.</summary>
    public static IServiceCollection AddThreatScorerFeeds(this IServiceCollection services)
    {
        services.AddOptions<FeedOptions>().BindConfiguration(FeedOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeedOptions>, FeedOptionsValidator>());
        services.TryAddSingleton<FeedMetrics>();
        services.TryAddSingleton<FeedFetcher>();
        services.TryAddSingleton<FeedIngestor>();
        services.TryAddSingleton<IFeedSourceStore>(sp => new SqliteFeedSourceStore(
            sp.GetRequiredService<IOptions<ThreatScorerOptions>>().Value.Store.SqlitePath, sp.GetRequiredService<TimeProvider>()));

        services.AddHttpClient(FeedFetcher.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's per-attempt timeout governs
                client.DefaultRequestHeaders.UserAgent.ParseAdd("ThreatScorer/1.0 (feed ingestion)");
            })
            // FeedFetcher follows redirects itself so every hop is checked against the allowed hosts.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.All })
            .AddResilienceHandler("feeds", (builder, context) =>
            {
                // Retry outside, timeout inside: each attempt gets the whole Timeout, and a timed-out attempt is retried.
                var feeds = context.ServiceProvider.GetRequiredService<IOptions<FeedOptions>>().Value;
                if (feeds.Retries > 0)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = feeds.Retries,
                        Delay = feeds.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                    });
                }

                builder.AddTimeout(feeds.Timeout);
            });
        return services;
    }
}
