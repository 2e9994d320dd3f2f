using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace ThreatScorer.Worker.Operations;

/// <summary>
/// A small Kestrel server beside the worker: <c>/health/live</c>, <c>/health/ready</c> (the checks tagged
/// "ready") and <c>/metrics</c> (Prometheus text). It is its own web application so the worker stays a plain
/// generic host; health checks and the meter provider come from the worker's container.
/// </summary>
/// <remarks>Registered before the start-up tasks, so liveness answers (and readiness says "not yet") while models load.</remarks>
public sealed partial class OperationsHttpServer(
    IServiceProvider services,
    IOptions<OperationsOptions> options,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    public const string ReadyTag = "ready";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private WebApplication? _app;

    /// <summary>The address the endpoint listens on once started (with the real port when 0 was configured).</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Port is not { } port)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        // The worker's host owns SIGTERM and the start/stop messages; this server only follows it.
        builder.Services.AddSingleton<IHostLifetime, FollowerLifetime>();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(options.Value.BindAddress), port));
        var app = builder.Build();

        var health = services.GetRequiredService<HealthCheckService>();
        app.MapGet("/health/live", () => Results.Text("Healthy\n"));
        app.MapGet("/health/ready", (HttpContext context) => ReadyAsync(health, context));
        _ = services.GetRequiredService<ModelMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics", services.GetRequiredService<MeterProvider>(), configureBranchedPipeline: null, optionsName: null);

        await app.StartAsync(cancellationToken);
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = bound is null ? null : new Uri(bound);
        LogListening(loggerFactory.CreateLogger<OperationsHttpServer>(), bound ?? $"port {port}");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
    }

    private static async Task ReadyAsync(HealthCheckService health, HttpContext context)
    {
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(ReadyTag), context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        await context.Response.WriteAsJsonAsync(body, Json, context.RequestAborted);
    }

    private sealed class FollowerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health and metrics on {Address} (/health/live, /health/ready, /metrics)")]
    private static partial void LogListening(ILogger logger, string address);
}
