using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Encoders;

/// <summary>Lets a host score with encoder-kind models: one <see cref="EncoderHub"/> per process and the stance loader that uses it.</summary>
public static class EncoderServices
{
    /// <summary>
    /// Registers the process's <see cref="EncoderHub"/> (threads from <c>ThreatScorer:Models:EncoderThreads</c>) and a
    /// <see cref="StanceModelLoader"/> that reads n-gram and encoder versions; the scoring models pick it up.
    /// </summary>
    public static IServiceCollection AddThreatScorerEncoders(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new EncoderHub(sp.GetRequiredService<IOptions<ThreatScorerOptions>>().Value.Models.EncoderThreads));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStanceModelKind, EncoderStanceKind>());
        services.TryAddSingleton(sp => new StanceModelLoader(sp.GetServices<IStanceModelKind>()));
        return services;
    }

    /// <summary>A loader for one-off commands (score, bench, evaluate, predict): n-gram and encoder versions over <paramref name="hub"/>.</summary>
    public static StanceModelLoader StanceLoader(EncoderHub hub) => new([new EncoderStanceKind(hub)]);
}
