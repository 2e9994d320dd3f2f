using System.CommandLine;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Ingestion;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer ingest PATH…</c>: add files or folders to the store now; the worker scores them on its next run.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders to ingest.", Arity = ArgumentArity.OneOrMore };
        var db = new Option<string?>("--db") { Description = "SQLite database (default: ThreatScorer:Store:SqlitePath, data/threatscorer.db)." };
        var command = new Command("ingest", "Add article files or folders to the store (deduplicated); the worker scores them.") { paths, db };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(paths)!, parse.GetValue(db), ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] paths, string? db, CancellationToken ct)
    {
        using var host = CoreServices.Build(databasePath: db);
        var store = host.Get<IArticleStore>();
        var options = host.Get<IOptions<ThreatScorerOptions>>().Value;
        await store.MigrateAsync(ct);
        var ingestor = host.Get<InboxIngestor>();
        var total = IngestSummary.Empty;
        var exit = ExitCodes.Ok;
        foreach (var path in paths)
        {
            try
            {
                total = total.Add(await ingestor.IngestPathAsync(path, options.Inbox.Limits, ct));
            }
            catch (FileNotFoundException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                exit = ExitCodes.BadInput;
            }
        }

        Console.WriteLine($"{total.FilesRead} files read: {total.Added} new articles, {total.NewVersions} new versions, {total.Duplicates} duplicates, {total.Rejected} rejected");
        if (store is SqliteArticleStore sqlite)
        {
            Console.WriteLine($"store: {sqlite.DatabasePath}");
        }

        return total.Rejected > 0 && exit == ExitCodes.Ok ? ExitCodes.Ok : exit;
    }
}
