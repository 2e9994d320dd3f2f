using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Web;
using ThreatScorer.Web.Hosting;
using ThreatScorer.Worker;

namespace ThreatScorer.Tests.Web;

public sealed class ReviewAccessTests : IDisposable
{
    private const string Key = "test-key-0123456789abcdef";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Start_BoundBeyondLoopbackWithoutKey_FailsNamingTheSetting()
    {
        await using var app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={_dir.File("s.db")}", "--ThreatScorer:Web:Url=http://0.0.0.0:0"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("ThreatScorer:Web:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_WithApiKeySet_NeedsTheKeyAsHeaderBearerOrBasicPassword()
    {
        await using var app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={_dir.File("s.db")}", "--ThreatScorer:Web:Url=http://127.0.0.1:0",
            $"--ThreatScorer:Web:ApiKey={Key}"]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = ReviewWebApp.Address(app) };

        var none = await client.GetAsync(new Uri("/api/articles", UriKind.Relative));
        var wrong = await SendAsync(client, r => r.Headers.Add(AccessControl.ApiKeyHeader, "wrong-key-0123456789"));
        var header = await SendAsync(client, r => r.Headers.Add(AccessControl.ApiKeyHeader, Key));
        var bearer = await SendAsync(client, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key));
        var basic = await SendAsync(client, r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ana:" + Key))));
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
    }

    [Fact]
    public void Worker_WithWebEnabled_HostsTheReviewApp()
    {
        using var on = ThreatScorerHost.CreateBuilder(["--ThreatScorer:Web:Enabled=true"]).Build();
        using var off = ThreatScorerHost.CreateBuilder([]).Build();

        Assert.Contains(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetServices<IHostedService>(on.Services), s => s is ReviewWebHostedService);
        Assert.DoesNotContain(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetServices<IHostedService>(off.Services), s => s is ReviewWebHostedService);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, Action<HttpRequestMessage> configure)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/articles");
        configure(request);
        return client.SendAsync(request);
    }
}
