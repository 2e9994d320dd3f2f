using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Web;
using ThreatScorer.Web.Hosting;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer serve</c>: the analyst review UI and API over the store; <c>serve bench</c> measures it.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var db = new Option<string?>("--db") { Description = "SQLite database (default: data/threatscorer.db)." };
        var url = new Option<string?>("--url") { Description = "Address to listen on (default: http://127.0.0.1:5080)." };
        var apiKey = new Option<string?>("--api-key") { Description = "Key every request must carry; required beyond loopback (or THREATSCORER__WEB__APIKEY)." };
        var command = new Command("serve", "Serve the analyst review UI and API (Ctrl+C stops it).") { db, url, apiKey, CreateBench(), CreatePageBench() };
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            if (parse.GetValue(db) is { } path)
            {
                // --db names a SQLite file: it wins over a PostgreSql provider set in appsettings or the environment.
                args.Add($"--ThreatScorer:Store:Provider={StoreOptions.SqliteProvider}");
                args.Add($"--ThreatScorer:Store:SqlitePath={path}");
            }

            if (parse.GetValue(url) is { } address)
            {
                args.Add($"--{WebOptions.SectionName}:Url={address}");
            }

            if (parse.GetValue(apiKey) is { } key)
            {
                args.Add($"--{WebOptions.SectionName}:ApiKey={key}");
            }

            try
            {
                await using var app = ReviewWebApp.Build([.. args]);
                await ReviewWebApp.StartAsync(app, ct);
                await app.WaitForShutdownAsync(ct);
                return ExitCodes.Ok;
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException ex)
            {
                await Console.Error.WriteLineAsync("threatscorer serve did not start: invalid settings:\n  - " + string.Join("\n  - ", ex.Failures));
                return ExitCodes.BadInput;
            }
            catch (WebBindException ex)
            {
                await Console.Error.WriteLineAsync($"threatscorer serve did not start: {ex.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static Command CreatePageBench()
    {
        var mentions = new Option<int>("--mentions") { Description = "Mentions of the one actor in the synthetic article.", DefaultValueFactory = _ => 60_000 };
        var command = new Command("bench-page", "Time the article page of a synthetic article with many actor mentions (a mention bomb).") { mentions };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(mentions) is < 1 or > 1_000_000)
            {
                throw new CliUsageException("--mentions must be from 1 to 1,000,000.");
            }

            await ReviewBenchmark.MentionBombAsync(parse.GetValue(mentions), Console.Out);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateBench()
    {
        var db = new Option<string>("--db") { Description = "Database to create (must not exist).", Required = true };
        var articles = new Option<int>("--articles") { Description = "Synthetic scored articles to generate.", DefaultValueFactory = _ => 100_000 };
        var command = new Command("bench", "Generate a synthetic scored store and time the review queries and exports.") { db, articles };
        command.SetAction(async (parse, ct) =>
        {
            var report = await ReviewBenchmark.RunAsync(parse.GetValue(db)!, parse.GetValue(articles), Console.Out, ct);
            return report ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
