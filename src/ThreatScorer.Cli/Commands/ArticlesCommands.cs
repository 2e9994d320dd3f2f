using System.CommandLine;
using System.Globalization;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer list</c> and <c>threatscorer show ID</c>: look at what the worker stored.</summary>
internal static class ArticlesCommands
{
    public static Command CreateList()
    {
        var status = new Option<string?>("--status") { Description = "Only articles with this status: new, scored, rejected or failed." };
        status.AcceptOnlyFromAmong(ArticleStatus.New, ArticleStatus.Scored, ArticleStatus.Rejected, ArticleStatus.Failed);
        var limit = new Option<int>("--limit") { Description = "How many rows.", DefaultValueFactory = _ => 50 };
        var db = new Option<string?>("--db") { Description = "SQLite database (default: data/threatscorer.db)." };
        var command = new Command("list", "List stored articles, most recently changed first, with their status.") { status, limit, db };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CoreServices.Build(databasePath: parse.GetValue(db));
            var store = host.Get<IArticleStore>();
            await store.MigrateAsync(ct);
            var counts = await store.CountByStatusAsync(ct);
            Console.WriteLine(string.Join("  ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")));
            foreach (var a in await store.ListArticlesAsync(parse.GetValue(limit), parse.GetValue(status), ct))
            {
                var what = a.Title ?? a.Reason ?? string.Empty;
                var where = a.SourceLine is { } line ? $"{Path.GetFileName(a.SourcePath)}:{line}" : Path.GetFileName(a.SourcePath);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a.Id}  v{a.Version}  {a.Status,-8}  {where,-28}  {what}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "Article id (from list)." };
        var format = new Option<string>("--format") { Description = "json or text.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("json", "text");
        var db = new Option<string?>("--db") { Description = "SQLite database (default: data/threatscorer.db)." };
        var command = new Command("show", "Show an article's latest stored assessment.") { id, format, db };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CoreServices.Build(databasePath: parse.GetValue(db));
            var store = host.Get<IArticleStore>();
            await store.MigrateAsync(ct);
            var articleId = parse.GetValue(id)!;
            var article = await store.GetArticleAsync(articleId, ct);
            if (article is null)
            {
                await Console.Error.WriteLineAsync($"error: no article with id {articleId}");
                return ExitCodes.BadInput;
            }

            var json = await store.GetLatestAssessmentJsonAsync(articleId, ct);
            if (json is null)
            {
                Console.WriteLine($"{article.Id}: {article.Status}{(article.Reason is null ? string.Empty : ": " + article.Reason)}");
                return ExitCodes.Ok;
            }

            Console.WriteLine(parse.GetValue(format) == "json" ? json : AssessmentText.Render(AssessmentJson.Deserialize(json)));
            return ExitCodes.Ok;
        });
        return command;
    }
}
