using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreatScorer.Web;

namespace ThreatScorer.Tests.Alerts;

/// <summary>
/// A real webhook receiver on 127.0.0.1 (any free port): records every body and delivery header, and answers
/// 500 to the first <see cref="FailNext"/> requests (or to all of them when <see cref="AlwaysFail"/>).
/// <c>/redirect</c> answers 302 to <c>/hook</c> with a body that must never reach the API; a GET of <c>/hook</c>
/// (a followed redirect) is recorded with the path <c>GET /hook</c>.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failNext;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Body, string? Delivery, bool Failed)> Requests { get; } = new();

    /// <summary>Every request, by method and path, in arrival order.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    public const string SecretBody = "secret-admin-page-7d41";

    public int FailNext { get => Volatile.Read(ref _failNext); set => Volatile.Write(ref _failNext, value); }

    public bool AlwaysFail { get; set; }

    public Uri Url { get; private set; } = null!;

    public IEnumerable<string> Delivered => Requests.Where(r => !r.Failed).Select(r => r.Body);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/redirect", async (HttpContext context) =>
        {
            receiver.Paths.Enqueue("POST /redirect");
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = "/hook";
            await context.Response.WriteAsync(SecretBody);
        });
        app.MapGet("/hook", () =>
        {
            receiver.Paths.Enqueue("GET /hook");
            return Results.Text(SecretBody);
        });
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            receiver.Paths.Enqueue("POST /hook");
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var fail = receiver.AlwaysFail || Interlocked.Decrement(ref receiver._failNext) >= 0;
            receiver.Requests.Enqueue((body, request.Headers["X-ThreatScorer-Delivery"].ToString(), fail));
            return fail ? Results.Text("receiver <b>down</b> for maintenance", statusCode: 500) : Results.Ok();
        });
        await app.StartAsync();
        receiver.Url = new Uri(ReviewWebApp.Address(app), "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
