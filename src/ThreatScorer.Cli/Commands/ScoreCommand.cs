using System.CommandLine;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer score PATH|-</c>: score articles without a database.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Article file (.txt, .md, .html, .json, .jsonl) or - for standard input." };
        var format = new Option<string>("--format") { Description = "json (the stored assessment) or text.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text");
        var inputFormat = new Option<string>("--input-format") { Description = "Format of standard input: txt, md, html, json or jsonl.", DefaultValueFactory = _ => "txt" };
        var models = new Option<string>("--models") { Description = "Models folder.", DefaultValueFactory = _ => "models" };
        var command = new Command("score", "Score articles from a file or standard input and print the assessment; nothing is stored.")
        {
            path, format, inputFormat, models,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(inputFormat)!, parse.GetValue(models)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(string path, string format, string inputFormat, string modelsRoot, CancellationToken ct)
    {
        var limits = ArticleLimits.Default;
        IReadOnlyList<ArticleReadResult> results;
        if (path == "-")
        {
            using var stdin = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            await stdin.CopyToAsync(buffer, ct);
            buffer.Position = 0;
            results = new ArticleFileReader().Read(buffer, "-", "." + inputFormat.TrimStart('.'), limits);
        }
        else if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"error: no such file: {Path.GetFullPath(path)}");
            return ExitCodes.BadInput;
        }
        else
        {
            results = new ArticleFileReader().Read(path, limits);
        }

        ScoringModels models;
        try
        {
            models = ScoringModels.Load(modelsRoot, CliEncoders.StanceLoader);
        }
        catch (ModelLoadException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.ModelError;
        }

        var scorer = new ArticleScorer(new TextCleaner(limits), ScoringModelProvider.Fixed(models), TimeProvider.System);
        var exit = ExitCodes.Ok;
        foreach (var result in results)
        {
            if (result.Article is not { } article)
            {
                await Console.Error.WriteLineAsync($"rejected: {result.Location}: {result.RejectionReason}");
                exit = ExitCodes.BadInput;
                continue;
            }

            var key = ArticleKeys.DedupeKey(article, ArticleKeys.ContentHash(article));
            var scored = scorer.Score(article, new ArticleIdentity(ArticleKeys.ArticleId(key), 1), limits, ct);
            if (scored.Assessment is not { } assessment)
            {
                await Console.Error.WriteLineAsync($"rejected: {result.Location}: {scored.RejectionReason}");
                exit = ExitCodes.BadInput;
                continue;
            }

            Console.WriteLine(format == "text"
                ? AssessmentText.Render(assessment)
                : AssessmentJson.Serialize(assessment, indented: results.Count == 1));
        }

        return exit;
    }
}
