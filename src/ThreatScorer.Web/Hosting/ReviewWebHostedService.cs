using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ThreatScorer.Web.Hosting;

/// <summary>
/// Hosts the analyst UI inside another host (the worker) as its own small web app over the same configuration.
/// Registered after the worker's start-up checks, so the schema is migrated before it serves.
/// </summary>
public sealed class ReviewWebHostedService(IConfiguration configuration) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _app = ReviewWebApp.Build([], configuration, migrate: false);
        return ReviewWebApp.StartAsync(_app, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Switches the analyst UI on inside a host when <c>ThreatScorer:Web:Enabled</c> is true.</summary>
public static class ReviewWebHostingExtensions
{
    public static IServiceCollection AddThreatScorerWebWhenEnabled(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue<bool>(WebOptions.SectionName + ":Enabled"))
        {
            services.AddHostedService<ReviewWebHostedService>();
        }

        return services;
    }
}
