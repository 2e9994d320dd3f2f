using System.CommandLine;
using System.Text;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Core.Threat;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer correct</c> and <c>threatscorer export-training</c>: analysts' corrections into retraining data.</summary>
internal static class CorrectionCommands
{
    public static Command Correct()
    {
        var article = new Argument<string>("article") { Description = "Article id (from list)." };
        var level = new Option<string?>("--threat-level") { Description = "none, low, elevated or high." };
        level.AcceptOnlyFromAmong([.. ThreatLabels.Levels]);
        var kinds = new Option<string?>("--threat-kinds") { Description = "Comma-separated kinds, e.g. terrorism,armed_conflict (empty for none)." };
        var stances = new Option<string[]>("--actor-stance") { Description = "ACTOR=negative|neutral|positive (actor id or name); repeatable.", AllowMultipleArgumentsPerToken = true };
        var note = new Option<string?>("--note") { Description = "Why; stored with the correction." };
        var author = new Option<string>("--author") { Description = "Who corrects.", DefaultValueFactory = _ => Environment.UserName };
        var db = new Option<string?>("--db") { Description = "SQLite database (default: data/threatscorer.db)." };
        var command = new Command("correct", "Record an analyst's correction (kept apart from machine scores).")
        {
            article, level, kinds, stances, note, author, db,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CoreServices.Build(databasePath: parse.GetValue(db));
            if (host.SqliteOnly("correct") is { } sqliteOnly)
            {
                await Console.Error.WriteLineAsync(sqliteOnly);
                return ExitCodes.BadInput;
            }

            var store = host.Get<IArticleStore>();
            await store.MigrateAsync(ct);
            var options = host.Get<IOptions<ThreatScorerOptions>>().Value;
            var review = new SqliteReviewStore(options.Store.SqlitePath, TimeProvider.System);
            var id = parse.GetValue(article)!;
            var corrections = new List<Correction>();
            if (parse.GetValue(level) is { } l)
            {
                corrections.Add(New(id, CorrectionFields.ThreatLevel, null, l));
            }

            if (parse.GetValue(kinds) is { } k)
            {
                var list = k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (list.FirstOrDefault(x => !ThreatLabels.Kinds.Contains(x)) is { } bad)
                {
                    await Console.Error.WriteLineAsync($"error: --threat-kinds: '{bad}' is not one of {string.Join(", ", ThreatLabels.Kinds)}");
                    return ExitCodes.BadInput;
                }

                corrections.Add(New(id, CorrectionFields.ThreatKinds, null, string.Join(',', list)));
            }

            var json = await store.GetLatestAssessmentJsonAsync(id, ct);
            foreach (var item in parse.GetValue(stances) ?? [])
            {
                var eq = item.LastIndexOf('=');
                var label = eq > 0 ? item[(eq + 1)..].Trim() : string.Empty;
                if (eq <= 0 || !PolarityLabels.All.Contains(label))
                {
                    await Console.Error.WriteLineAsync($"error: --actor-stance {item}: expected ACTOR=negative|neutral|positive");
                    return ExitCodes.BadInput;
                }

                var name = item[..eq].Trim();
                var actor = json is null ? null : AssessmentJson.Deserialize(json).Actors
                    .FirstOrDefault(a => a.ActorId == name || string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
                corrections.Add(New(id, CorrectionFields.ActorStance, actor?.ActorId ?? name, label));
            }

            if (corrections.Count == 0)
            {
                await Console.Error.WriteLineAsync("error: nothing to correct: give --threat-level, --threat-kinds or --actor-stance");
                return ExitCodes.BadInput;
            }

            try
            {
                foreach (var correction in corrections)
                {
                    var stored = await review.AddCorrectionAsync(
                        correction with { Comment = parse.GetValue(note), Author = parse.GetValue(author)! }, ct);
                    Console.WriteLine($"correction {stored.Id}: {stored.Field}{(stored.ActorId is null ? string.Empty : " " + stored.ActorId)} = {stored.Value} (article {stored.ArticleId} v{stored.ArticleVersion})");
                }
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.BadInput;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command ExportTraining()
    {
        var task = new Option<string>("--task") { Description = "stance or threat.", Required = true };
        var output = new Option<string>("--out") { Description = "Output JSONL (- for standard output).", DefaultValueFactory = _ => "-" };
        var db = new Option<string?>("--db") { Description = "SQLite database (default: data/threatscorer.db)." };
        var command = new Command("export-training", "Export human-verified corrections as training JSONL with provenance (never the model's own outputs).")
        {
            task, output, db,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CoreServices.Build(databasePath: parse.GetValue(db));
            if (host.SqliteOnly("export-training") is { } sqliteOnly)
            {
                await Console.Error.WriteLineAsync(sqliteOnly);
                return ExitCodes.BadInput;
            }

            var store = host.Get<IArticleStore>();
            await store.MigrateAsync(ct);
            var review = new SqliteReviewStore(host.Get<IOptions<ThreatScorerOptions>>().Value.Store.SqlitePath, TimeProvider.System);
            try
            {
                var path = parse.GetValue(output)!;
                int count;
                if (path == "-")
                {
                    count = await TrainingExport.ExportAsync(parse.GetValue(task)!, review, store, Console.Out, ct);
                }
                else
                {
                    await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
                    count = await TrainingExport.ExportAsync(parse.GetValue(task)!, review, store, writer, ct);
                }

                await Console.Error.WriteLineAsync($"{count} training lines exported{(path == "-" ? string.Empty : " to " + Path.GetFullPath(path))}");
                return ExitCodes.Ok;
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static Correction New(string article, string field, string? actor, string value) =>
        new() { ArticleId = article, ArticleVersion = 0, Field = field, ActorId = actor, Value = value, Author = string.Empty };
}
