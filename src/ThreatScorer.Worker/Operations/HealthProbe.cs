namespace ThreatScorer.Worker.Operations;

/// <summary>
/// The container's HEALTHCHECK: <c>dotnet ThreatScorer.Worker.dll health [--url URL]</c> asks the readiness
/// endpoint and exits 0 when it answers 2xx, 1 otherwise. Without --url it uses
/// <c>THREATSCORER__OPERATIONS__PORT</c> on 127.0.0.1.
/// </summary>
public static class HealthProbe
{
    public const string Verb = "health";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var url = args.Count >= 2 && args[0] == "--url" ? args[1] : DefaultUrl();
        if (url is null)
        {
            await output.WriteLineAsync("health: no --url and THREATSCORER__OPERATIONS__PORT is not set");
            return 1;
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri(url), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            await output.WriteLineAsync($"{(int)response.StatusCode} {url} {body.Trim()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await output.WriteLineAsync($"health: {url}: {ex.Message}");
            return 1;
        }
    }

    private static string? DefaultUrl() =>
        Environment.GetEnvironmentVariable("THREATSCORER__OPERATIONS__PORT") is { Length: > 0 } port
            ? $"http://127.0.0.1:{port}/health/ready"
            : null;
}
