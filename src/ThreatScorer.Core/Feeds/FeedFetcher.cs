using System.Globalization;
using System.Net;
using Polly.Timeout;

namespace ThreatScorer.Core.Feeds;

/// <summary>The outcome of one GET: a body, "not modified", or a failure with a message fit for a log and a rejection.</summary>
public sealed record FetchResult(FetchStatus Status, byte[]? Body, string? Charset, string? ETag, string? LastModified, string? Error)
{
    public static FetchResult Failed(string error) => new(FetchStatus.Failed, null, null, null, null, error);
}

public enum FetchStatus
{
    Ok,
    NotModified,
    Failed,
}

/// <summary>
/// GETs feeds and pages through the resilient "feeds" HttpClient (per-attempt timeout, retries with back-off).
/// Redirects are followed here, not by the handler, so every hop is checked against the allowed hosts; bodies are
/// read as a stream and cut off past the size limit, so a huge page never sits in memory whole.
/// </summary>
public sealed class FeedFetcher(IHttpClientFactory httpClientFactory)
{
    /// <summary>Name of the HttpClient registered with its resilience pipeline.</summary>
    public const string HttpClientName = "ThreatScorer.Feeds";

    private const int MaxRedirects = 5;

    public async Task<FetchResult> GetAsync(
        Uri url, Func<Uri, bool> isAllowed, long maxBytes, TimeSpan timeout, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(isAllowed);
        using var client = httpClientFactory.CreateClient(HttpClientName);
        var current = url;
        for (var hop = 0; ; hop++)
        {
            if (!isAllowed(current))
            {
                return FetchResult.Failed($"{current} is on a host that is not allowed ({current.Host})");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (etag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            }

            if (lastModified is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
            }

            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (TimeoutRejectedException)
            {
                return FetchResult.Failed($"GET {current} timed out after {timeout}");
            }
            catch (HttpRequestException ex)
            {
                return FetchResult.Failed($"GET {current} failed: {ex.Message}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return FetchResult.Failed($"GET {current} timed out after {timeout}");
            }

            using (response)
            {
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        return FetchResult.Failed($"GET {url} redirected more than {MaxRedirects} times");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    return new FetchResult(FetchStatus.NotModified, null, null, etag, lastModified, null);
                }

                if (!response.IsSuccessStatusCode)
                {
                    return FetchResult.Failed(string.Create(CultureInfo.InvariantCulture,
                        $"GET {current} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
                }

                if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
                {
                    return FetchResult.Failed(string.Create(CultureInfo.InvariantCulture,
                        $"GET {current}: {length} bytes is over the limit of {maxBytes} bytes"));
                }

                var body = await ReadLimitedAsync(response.Content, maxBytes, timeout, cancellationToken);
                if (body is null)
                {
                    return FetchResult.Failed(string.Create(CultureInfo.InvariantCulture,
                        $"GET {current}: the body is over the limit of {maxBytes} bytes"));
                }

                if (body.Timeout)
                {
                    return FetchResult.Failed($"GET {current}: reading the body timed out after {timeout}");
                }

                return new FetchResult(FetchStatus.Ok, body.Bytes, response.Content.Headers.ContentType?.CharSet,
                    response.Headers.ETag?.ToString(), LastModifiedOf(response), null);
            }
        }
    }

    private static bool IsRedirect(HttpStatusCode code) => code is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string? LastModifiedOf(HttpResponseMessage response) =>
        response.Content.Headers.TryGetValues("Last-Modified", out var values) ? values.FirstOrDefault() : null;

    /// <summary>The body, or null once it passes <paramref name="maxBytes"/>; the read as a whole gets <paramref name="timeout"/>.</summary>
    private static async Task<Body?> ReadLimitedAsync(HttpContent content, long maxBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            await using var stream = await content.ReadAsStreamAsync(deadline.Token);
            int read;
            while ((read = await stream.ReadAsync(chunk, deadline.Token)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Body([], Timeout: true);
        }

        return new Body(buffer.ToArray(), Timeout: false);
    }

    private sealed record Body(byte[] Bytes, bool Timeout);
}
