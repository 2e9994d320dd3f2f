using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Quartz.Diagnostics;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Worker.Operations;

/// <summary>Registers health checks, the OpenTelemetry meters and the health and metrics endpoint.</summary>
public static class OperationsServiceCollectionExtensions
{
    public static IServiceCollection AddThreatScorerOperations(this IServiceCollection services)
    {
        services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperationsOptions>, OperationsOptionsValidator>());
        services.TryAddSingleton<ModelMetrics>();

        string[] ready = [OperationsHttpServer.ReadyTag];
        services.AddHealthChecks()
            .AddCheck<ModelsLoadedHealthCheck>("models", tags: ready)
            .AddCheck<StoreHealthCheck>("store", tags: ready)
            .AddCheck<LastRunHealthCheck>("last-run", tags: ready);

        // Quartz publishes its own job-execution instruments (runs, duration, failures) on its meter.
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService("threatscorer-worker")).WithMetrics(metrics => metrics
            .AddMeter(ScoringMetrics.MeterName, QuartzInstrumentation.MeterName)
            .AddPrometheusExporter());

        services.TryAddSingleton<OperationsHttpServer>();
        services.AddHostedService(sp => sp.GetRequiredService<OperationsHttpServer>());
        return services;
    }
}
