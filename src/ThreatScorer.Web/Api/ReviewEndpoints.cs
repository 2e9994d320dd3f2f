using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Web.Exports;
using ThreatScorer.Web.Hosting;

namespace ThreatScorer.Web.Api;

/// <summary>A correction as posted by the UI or a client.</summary>
public sealed record CorrectionRequest(string? Field, string? ActorId, string? Value, string? Comment, string? Author);

/// <summary>The JSON API: list, article, actor, corrections and exports.</summary>
internal static class ReviewEndpoints
{
    public static IEndpointRouteBuilder MapReviewApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/articles", async (HttpRequest request, SqliteReviewStore store, CancellationToken ct) =>
        {
            var query = ReviewQuery.From(request.Query);
            if (query.Problems.Count > 0)
            {
                return Results.BadRequest(new { errors = query.Problems });
            }

            var page = await store.ListAsync(query.Filter, query.PageSize, query.Cursor, withTotal: true, ct);
            return Results.Json(new { total = page.Total, next = page.NextCursor, rows = page.Rows }, AssessmentJson.Options);
        });

        api.MapGet("/articles/{id}", async (string id, SqliteReviewStore store, CancellationToken ct) =>
        {
            var review = await store.GetArticleAsync(id, ct);
            if (review is null)
            {
                return Results.NotFound(new { error = $"no scored article with id {id}" });
            }

            var body = new JsonObject
            {
                ["article"] = JsonSerializer.SerializeToNode(review.Article with { Text = null }, AssessmentJson.Options),
                ["current"] = JsonSerializer.SerializeToNode(review.Current, AssessmentJson.Options),
                ["corrections"] = JsonSerializer.SerializeToNode(review.Corrections, AssessmentJson.Options),
                ["assessment"] = JsonNode.Parse(review.AssessmentJson),
            };
            return Results.Content(body.ToJsonString(AssessmentJson.Options), "application/json; charset=utf-8");
        });

        api.MapGet("/actors/{id}", async (string id, string? bucket, SqliteReviewStore store, CancellationToken ct) =>
        {
            var actor = await store.GetActorAsync(id, weekly: bucket == "week", recent: 10, ct);
            return actor is null
                ? Results.NotFound(new { error = $"no scored article names actor {id}" })
                : Results.Json(new
                {
                    actor = actor.Actor,
                    timeline = actor.Timeline,
                    co_actors = actor.CoActors,
                    recent = actor.Recent.Select(m => new { m.ArticleId, m.Title, m.Date, m.StanceLabel, m.StanceScore, m.ThreatLevel, m.ThreatScore }),
                }, AssessmentJson.Options);
        });

        api.MapGet("/articles/{id}/corrections", async (string id, SqliteReviewStore store, CancellationToken ct) =>
            Results.Json(await store.ListCorrectionsAsync(id, ct), AssessmentJson.Options));

        api.MapPost("/articles/{id}/corrections", async (string id, CorrectionRequest? body, HttpRequest request, SqliteReviewStore store,
            IOptions<WebOptions> web, CancellationToken ct) =>
        {
            if (body is null)
            {
                return Results.BadRequest(new { error = "the body must be a JSON object describing the correction" });
            }

            if (Author(web.Value.Operator, AccessControl.BasicUser(request) ?? body.Author) is not { } author)
            {
                return Results.BadRequest(new { error = $"author must be at most {ClaimedAuthorLength} characters without control characters" });
            }

            try
            {
                var stored = await store.AddCorrectionAsync(new Correction
                {
                    ArticleId = id,
                    ArticleVersion = 0,
                    Field = body.Field ?? string.Empty,
                    ActorId = body.ActorId,
                    Value = body.Value ?? string.Empty,
                    Comment = body.Comment,
                    Author = author,
                }, ct);
                return Results.Json(stored, AssessmentJson.Options, statusCode: StatusCodes.Status201Created);
            }
            catch (ArgumentException ex)
            {
                return Results.BadRequest(new { error = ex.Message.Replace(" (Parameter 'correction')", string.Empty, StringComparison.Ordinal) });
            }
        });

        api.MapGet("/export/{table}.{format}", async (string table, string format, HttpContext context, SqliteReviewStore store) =>
        {
            if (!ExportWriter.TryParse(format, out var kind))
            {
                return Results.BadRequest(new { error = $"format must be csv, jsonl or parquet (got '{format}')" });
            }

            var query = ReviewQuery.From(context.Request.Query);
            if (query.Problems.Count > 0)
            {
                return Results.BadRequest(new { errors = query.Problems });
            }

            var ct = context.RequestAborted;
            Func<Stream, Task> write = table switch
            {
                "articles" => s => ExportWriter.WriteAsync(kind, ExportColumns.Articles, store.StreamArticlesAsync(query.Filter, ct), s, ct),
                "stances" => s => ExportWriter.WriteAsync(kind, ExportColumns.Stances, store.StreamStancesAsync(query.Filter, ct), s, ct),
                "corrections" => s => ExportWriter.WriteAsync(kind, ExportColumns.Corrections, store.StreamCorrectionsAsync(ct), s, ct),
                _ => null!,
            };
            if (write is null)
            {
                return Results.NotFound(new { error = $"table must be articles, stances or corrections (got '{table}')" });
            }

            return Results.Stream(write, ExportWriter.ContentType(kind), $"threatscorer-{table}.{ExportWriter.Extension(kind)}");
        });
        return app;
    }

    private const int ClaimedAuthorLength = 100;

    /// <summary>
    /// The recorded author: the identity this server verified (the key holder, or the local operator), then the name
    /// the caller typed, marked as a claim — anyone holding the access can type any name, so it is never the author alone.
    /// Null when the claimed name is too long or holds control characters.
    /// </summary>
    internal static string? Author(string verified, string? claimed)
    {
        var name = claimed?.Trim();
        if (string.IsNullOrEmpty(name) || string.Equals(name, verified, StringComparison.Ordinal))
        {
            return verified;
        }

        return name.Length > ClaimedAuthorLength || name.Any(char.IsControl) ? null : $"{verified} (claimed: {name})";
    }
}
