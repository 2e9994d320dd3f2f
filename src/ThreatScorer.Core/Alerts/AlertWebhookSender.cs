using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ThreatScorer.Core.Alerts;

/// <summary>What one delivery pass did.</summary>
public sealed record DeliveryPassSummary(int Sent, int Retrying, int Failed);

/// <summary>
/// Sends due deliveries: one POST each, with a timeout; a 2xx marks it sent, anything else (status, refused
/// connection, timeout) schedules a retry with exponential back-off until <see cref="AlertOptions.MaxAttempts"/>,
/// after which it is failed with the last error kept for the UI and API.
/// </summary>
public sealed class AlertWebhookSender(
    SqliteAlertStore store,
    HttpClient http,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertWebhookSender> logger)
{
    public const string DeliveryHeader = "X-ThreatScorer-Delivery";

    /// <summary>Sends every delivery due now (one batch); safe to call repeatedly.</summary>
    public async Task<DeliveryPassSummary> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        int sent = 0, retrying = 0, failed = 0;
        foreach (var delivery in await store.GetDueAsync(time.GetUtcNow(), settings.BatchSize, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (ok, code, error) = await PostAsync(delivery, settings.RequestTimeout, cancellationToken);
            if (ok)
            {
                await store.MarkSentAsync(delivery.Id, code!.Value, CancellationToken.None);
                sent++;
                logger.LogInformation("Alert {DeliveryId} (rule {RuleName}, article {ArticleId}) sent: HTTP {StatusCode}",
                    delivery.Id, delivery.RuleName, delivery.ArticleId, code);
                continue;
            }

            var attempts = delivery.Attempts + 1;
            DateTimeOffset? next = attempts >= settings.MaxAttempts ? null : time.GetUtcNow() + settings.RetryDelay(attempts);
            await store.RecordFailedAttemptAsync(delivery.Id, error!, code, next, CancellationToken.None);
            if (next is null)
            {
                failed++;
                logger.LogError("Alert {DeliveryId} (rule {RuleName}, article {ArticleId}) failed after {Attempts} attempts: {Error}",
                    delivery.Id, delivery.RuleName, delivery.ArticleId, attempts, error);
            }
            else
            {
                retrying++;
                logger.LogWarning("Alert {DeliveryId} (rule {RuleName}, article {ArticleId}) attempt {Attempt} of {MaxAttempts} failed: {Error}; next at {NextAttempt:O}",
                    delivery.Id, delivery.RuleName, delivery.ArticleId, attempts, settings.MaxAttempts, error, next);
            }
        }

        return new DeliveryPassSummary(sent, retrying, failed);
    }

    private async Task<(bool Ok, int? Code, string? Error)> PostAsync(AlertDelivery delivery, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.WebhookUrl)
            {
                Content = new StringContent(delivery.PayloadJson, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            // The delivery id lets a receiver drop a retry it already handled (its answer may have been lost).
            request.Headers.Add(DeliveryHeader, delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (true, code, null);
            }

            // Only the status is kept: the receiver's answer (or a redirect target) is not shown to whoever can
            // read deliveries, so a rule cannot be used to read pages the worker can reach.
            return (false, code, $"HTTP {code}");
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (false, null, $"timed out after {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return (false, null, $"{ex.HttpRequestError}: {ex.Message}");
        }
    }
}
