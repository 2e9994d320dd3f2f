using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ThreatScorer.Tests.Operations;
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

    [Theory]
    [InlineData("http://loopback:0")]
    [InlineData("http://localhost.localdomain:0")]
    [InlineData("http://ip6-localhost:0")]
    [InlineData("http://[::]:0")]
    // Uri reads the host as 127.0.0.1 (the rest is a fragment, query or user name); Kestrel reads everything up to
    // the last ':' as the host, which is no address, so it binds every interface: refused before binding.
    [InlineData("http://127.0.0.1#@0.0.0.0:0")]
    [InlineData("http://127.0.0.1?@x:0")]
    [InlineData("http://0.0.0.0@127.0.0.1:0")]
    [InlineData("http://localhost#:0")]
    public async Task Start_OnANameOtherThanLocalhostWithoutKey_FailsNamingTheSetting(string url)
    {
        await using var app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={_dir.File("s.db")}", $"--ThreatScorer:Web:Url={url}"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("ThreatScorer:Web:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://LocalHost:5080", true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.8.9.10:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://loopback:5394", false)]
    [InlineData("http://localhost.evil.example:5080", false)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::ffff:127.0.0.1]:5080", false)]
    [InlineData("http://127.0.0.1#@0.0.0.0:5080", false)]
    [InlineData("http://0.0.0.0@127.0.0.1:5080", false)]
    public void IsLoopback_OnlyLiteralLoopbackAddressesAndLocalhost(string url, bool loopback) =>
        Assert.Equal(loopback, new WebOptions { Url = url }.IsLoopback);

    [Fact]
    public async Task Start_KeylessOnLoopback_KestrelListensOnLoopbackOnly()
    {
        await using var app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={_dir.File("s.db")}", "--ThreatScorer:Web:Url=http://127.0.0.1:0"]);
        await app.StartAsync();
        var addresses = app.Urls.ToList();
        await app.StopAsync();

        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.True(WebOptions.IsLoopbackHost(new Uri(a).Host), $"listening on {a}"));
    }

    [Fact]
    public void Build_WhenKestrelEndpointsBindBeyondLoopbackWithoutKey_RefusesBeforeBindingNamingTheSetting()
    {
        // Web:Url passes validation, but a Kestrel endpoint from configuration overrides it and would bind every
        // interface: refused before Kestrel listens (it used to be stopped only after it had started listening).
        var error = Assert.Throws<OptionsValidationException>(() => ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={_dir.File("s.db")}",
            "--ThreatScorer:Web:Url=http://127.0.0.1:0", "--Kestrel:Endpoints:Wide:Url=http://0.0.0.0:0"]));

        Assert.Contains("ThreatScorer:Web:ApiKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("0.0.0.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_WhenKestrelEndpointsStayOnLoopbackWithoutKey_Starts()
    {
        await using var app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={_dir.File("s.db")}",
            "--ThreatScorer:Web:Url=http://127.0.0.1:0", "--Kestrel:Endpoints:Local:Url=http://127.0.0.1:0"]);
        await ReviewWebApp.StartAsync(app, CancellationToken.None);
        var addresses = app.Urls.ToList();
        await app.StopAsync();

        Assert.All(addresses, a => Assert.True(WebOptions.IsLoopbackUrl(a), $"listening on {a}"));
    }

    [Fact]
    public void Options_AllowedHostsAndOperatorName_AreValidatedByName()
    {
        var result = new WebOptionsValidator().Validate(null, new WebOptions
        {
            AllowedHosts = ["review.example.org", "http://x/y", "host:99999"],
            OperatorName = "  ",
        });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("ThreatScorer:Web:AllowedHosts:1", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("ThreatScorer:Web:AllowedHosts:2", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("AllowedHosts:0", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("ThreatScorer:Web:OperatorName", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Worker_WhenTheWebPortIsTaken_ExitsTwoWithOneLineNamingTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        using var worker = WorkerProcess.Start(inbox, _dir.File("w.db"), runOnce: true, new Dictionary<string, string>
        {
            ["THREATSCORER__WEB__ENABLED"] = "true",
            ["THREATSCORER__WEB__URL"] = $"http://127.0.0.1:{port}",
        });

        await worker.WaitForExitAsync();

        Assert.True(worker.ExitCode == 2, $"exit {worker.ExitCode}:\n{worker.Tail()}");
        var line = Assert.Single(worker.Lines, l => l.StartsWith("stderr: ", StringComparison.Ordinal));
        Assert.Contains($"http://127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Web:Url", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WhenThePortIsTaken_ExitsTwoWithOneLineNamingTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir.Path };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "threatscorer.dll"), "serve", "--db", _dir.File("serve.db"), "--url", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
        {
            await process.WaitForExitAsync(timeout.Token);
        }

        var error = await stderr;
        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}:\n{error}\n{await stdout}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"http://127.0.0.1:{port}", line, StringComparison.Ordinal);
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
