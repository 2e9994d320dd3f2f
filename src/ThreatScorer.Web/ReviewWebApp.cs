using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Storage;
using ThreatScorer.Web.Api;
using ThreatScorer.Web.Hosting;
using ThreatScorer.Web.Pages;

namespace ThreatScorer.Web;

/// <summary>
/// The analyst review app: minimal API plus server-rendered pages over the scored store. Built by
/// <c>threatscorer serve</c>, by the worker when <c>ThreatScorer:Web:Enabled</c> is true, and by the tests.
/// </summary>
public static class ReviewWebApp
{
    /// <summary>Largest request body accepted (bytes).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Builds the app from command-line style settings (<c>--ThreatScorer:Web:Url=…</c>).</summary>
    public static WebApplication Build(string[] args, IConfiguration? configuration = null, bool migrate = true)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (configuration is not null)
        {
            builder.Configuration.AddConfiguration(configuration);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A start failure (bad setting, taken port) is reported by the caller in one line (serve exits 2, the
        // worker too); the host's own "Hosting failed to start" would repeat it with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        var web = builder.Configuration.GetSection(WebOptions.SectionName).Get<WebOptions>() ?? new WebOptions();
        var store = builder.Configuration.GetSection($"{ThreatScorerOptions.SectionName}:Store").Get<StoreOptions>() ?? new StoreOptions();
        if (store.IsPostgres)
        {
            // The review tables (corrections, alerts, the current-score index) live in SQLite only for now.
            throw new Microsoft.Extensions.Options.OptionsValidationException("ThreatScorer:Store", typeof(WebOptions),
                ["ThreatScorer:Store:Provider is PostgreSql, but the analyst UI reads SQLite; it is not on PostgreSQL yet (`threatscorer serve --db FILE` serves a SQLite file whatever the provider; or set THREATSCORER__STORE__PROVIDER=Sqlite)."]);
        }

        // Kestrel endpoints from configuration (Kestrel:Endpoints:NAME:Url, or KESTREL__ENDPOINTS__… variables) win
        // over Web:Url; a keyless one beyond loopback is refused here, before anything is bound (StartAsync checks
        // what was really bound as well, but only after Kestrel has listened).
        if (string.IsNullOrEmpty(web.ApiKey)
            && builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"])
                .Where(u => u is not null && !WebOptions.IsLoopbackUrl(u)).ToList() is { Count: > 0 } wide)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(WebOptions.SectionName, typeof(WebOptions),
                [$"{WebOptions.SectionName}:ApiKey must be set: Kestrel:Endpoints binds {string.Join(", ", wide)}, beyond loopback (Kestrel endpoints override {WebOptions.SectionName}:Url)."]);
        }

        builder.WebHost.UseUrls(web.Url);
        // The largest legitimate body is a correction or a rule (a few kB); a bigger one is refused (413) unread.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddThreatScorerWeb(migrate);
        var app = builder.Build();
        app.MapThreatScorerWeb();
        return app;
    }

    /// <summary>
    /// Starts the app; a port that is taken, or an address this machine does not have, becomes a
    /// <see cref="WebBindException"/> naming the address (callers print it and exit 2).
    /// </summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex is not WebBindException
            && (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException
                || ex.Message.StartsWith("Failed to bind", StringComparison.Ordinal)))
        {
            var url = app.Services.GetRequiredService<IOptions<WebOptions>>().Value.Url;
            throw new WebBindException($"the analyst UI cannot listen on {url} ({WebOptions.SectionName}:Url): {ex.Message}", ex);
        }

        // Kestrel can be told to listen elsewhere behind Web:Url's back (Kestrel:Endpoints in appsettings or
        // KESTREL__ENDPOINTS__… variables win over it): what was validated is not what counts, what is bound is.
        var web = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
        if (string.IsNullOrEmpty(web.ApiKey) && app.Urls.FirstOrDefault(u => !WebOptions.IsLoopbackUrl(u)) is { } wide)
        {
            await app.StopAsync(cancellationToken);
            throw new WebBindException(
                $"the analyst UI listens on {wide}, beyond loopback, without {WebOptions.SectionName}:ApiKey (Kestrel endpoints configured apart from {WebOptions.SectionName}:Url?); stopped.",
                new InvalidOperationException(wide));
        }
    }

    /// <summary>The address the app listens on once started (port 0 resolved).</summary>
    public static Uri Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return new Uri(addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The web app is not listening."));
    }

    /// <summary>Registers the review store, web options (validated at start) and, optionally, the migration at start.</summary>
    public static IServiceCollection AddThreatScorerWeb(this IServiceCollection services, bool migrate = true)
    {
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebOptions>, WebOptionsValidator>());
        services.AddOptions<StoreOptions>().BindConfiguration(ThreatScorerOptions.SectionName + ":Store");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqliteReviewStore(
            sp.GetRequiredService<IOptions<StoreOptions>>().Value.SqlitePath, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SqliteAlertStore(
            sp.GetRequiredService<IOptions<StoreOptions>>().Value.SqlitePath, sp.GetRequiredService<TimeProvider>()));
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.TryAddSingleton(sp => new WebhookTargets(sp.GetRequiredService<IOptions<AlertOptions>>().Value.AllowedWebhookHosts));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        });
        if (migrate)
        {
            services.AddHostedService<MigrateOnStart>();
        }

        return services;
    }

    /// <summary>Maps the access checks, the pages, the API and the static assets.</summary>
    public static WebApplication MapThreatScorerWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<AccessControl>();
        app.MapReviewApi();
        app.MapAlerts();
        app.MapReviewPages();
        app.MapGet("/static/{name}", (string name) => Asset(name));
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Analyst UI listening on {Address} (store {Database})",
                string.Join(", ", app.Urls), app.Services.GetRequiredService<SqliteReviewStore>().Articles.DatabasePath));
        return app;
    }

    private static IEndpointRouteBuilder MapReviewPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", async (HttpRequest request, SqliteReviewStore store, CancellationToken ct) =>
        {
            var query = ReviewQuery.From(request.Query);
            var (sources, languages) = await store.GetFacetsAsync(ct);
            var page = query.Problems.Count == 0 ? await store.ListAsync(query.Filter, query.PageSize, query.Cursor, withTotal: true, ct) : null;
            return Results.Content(ListPage.Render(request.Query, query, page, sources, languages), "text/html; charset=utf-8",
                statusCode: query.Problems.Count == 0 ? 200 : 400);
        });
        app.MapGet("/articles/{id}", async (string id, SqliteReviewStore store, CancellationToken ct) =>
            await store.GetArticleAsync(id, ct) is { } review
                ? Results.Content(ArticlePage.Render(review), "text/html; charset=utf-8")
                : Results.Content(Html.Page("Not found", $"<h1>No scored article {Html.E(id)}</h1>"), "text/html; charset=utf-8", statusCode: 404));
        app.MapGet("/actors/{id}", async (string id, string? bucket, SqliteReviewStore store, CancellationToken ct) =>
            await store.GetActorAsync(id, bucket == "week", recent: 10, ct) is { } actor
                ? Results.Content(ActorPage.Render(actor, bucket == "week"), "text/html; charset=utf-8")
                : Results.Content(Html.Page("Not found", $"<h1>No scored article names {Html.E(id)}</h1>"), "text/html; charset=utf-8", statusCode: 404));
        return app;
    }

    private static IResult Asset(string name)
    {
        var type = name switch
        {
            "app.css" => "text/css; charset=utf-8",
            "app.js" => "text/javascript; charset=utf-8",
            _ => null,
        };
        var stream = type is null ? null : typeof(ReviewWebApp).Assembly.GetManifestResourceStream("ThreatScorer.Web.wwwroot." + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }

    /// <summary>Brings the schema forward before the first request (the corrections table and indexes).</summary>
    private sealed class MigrateOnStart(SqliteReviewStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.Articles.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
