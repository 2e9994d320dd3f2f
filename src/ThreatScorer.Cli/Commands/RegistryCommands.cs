using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Cli.Commands;

/// <summary>The model registry for data scientists: list, evaluate, compare, promote, roll back, status, rescore.</summary>
internal static class RegistryCommands
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Models()
    {
        var root = ModelsOption();
        var list = new Command("list", "Every model version per task, its headline metrics and which one is active.") { root };
        list.SetAction(parse =>
        {
            var modelsRoot = parse.GetValue(root)!;
            foreach (var task in ModelTasks.Known)
            {
                Console.WriteLine($"{task}:");
                var versions = ModelRegistry.ListVersions(modelsRoot, task);
                if (versions.Count == 0)
                {
                    Console.WriteLine("  (no versions)");
                }

                foreach (var v in versions)
                {
                    Console.WriteLine($"  {(v.IsActive ? "*" : " ")} {v.Version,-34} {Headline(v.Metrics)}");
                }
            }

            Console.WriteLine("(* = active)");
            return ExitCodes.Ok;
        });
        var teacher = new Argument<string>("teacher-folder") { Description = "A stance-teacher version folder (models/stance-teacher/<version>)." };
        var activate = new Option<bool>("--activate") { Description = "Make it the active stance model (the previous one stays in HISTORY for rollback)." };
        var quantise = new Option<bool>("--int8") { Description = "Run the encoder with int8 weight matrices (quantised at load): about twice as fast; a new version with its own dev numbers." };
        var dev = new Option<string[]>("--dev") { Description = "NewsMTSC dev files to measure the published version on (recorded in metrics.json).", AllowMultipleArgumentsPerToken = true };
        var fromTeacher = new Command("from-teacher", "Publish a stance teacher as a stance version of kind 'encoder' (same head), to evaluate, compare and promote like any stance model.")
        {
            teacher, root, quantise, dev, activate,
        };
        fromTeacher.SetAction((parse, ct) => Guard(async () =>
        {
            var dir = await ThreatScorer.Encoders.EncoderStanceVersions.FromTeacherAsync(
                parse.GetValue(teacher)!, parse.GetValue(root)!, parse.GetValue(quantise), parse.GetValue(dev) ?? [], CliEncoders.Hub, parse.GetValue(activate), ct);
            Console.WriteLine($"published {dir}{(parse.GetValue(activate) ? " (active)" : string.Empty)}");
            return ExitCodes.Ok;
        }));
        var export = new Argument<string>("finetuned-folder") { Description = "A fine-tuning export (threatscorer-finetune train's folder: model.onnx, head.json, metrics.json, model-card.md)." };
        var fineInt8 = new Option<bool>("--int8") { Description = "Write encoder.onnx int8-quantised (weight matrices and word embeddings): ~23 MB instead of 87 MiB, small enough for git; a new fingerprint." };
        var fromFineTuned = new Command("from-finetuned", "Publish a fine-tuned MiniLM export as a stance version of kind 'encoder' with its own encoder.onnx, vocab.txt and linear head.json.")
        {
            export, root, fineInt8, dev, activate,
        };
        fromFineTuned.SetAction((parse, ct) => Guard(async () =>
        {
            var dir = await ThreatScorer.Encoders.FineTunedStanceVersions.FromFineTunedAsync(
                parse.GetValue(export)!, parse.GetValue(root)!, parse.GetValue(fineInt8), parse.GetValue(dev) ?? [], CliEncoders.Hub, parse.GetValue(activate), ct);
            Console.WriteLine($"published {dir}{(parse.GetValue(activate) ? " (active)" : string.Empty)}");
            return ExitCodes.Ok;
        }));
        var historyTask = TaskOption();
        var history = new Command("history", "The activations of a task, newest first: time, user, from -> to, action, forced, metrics.") { historyTask, root };
        history.SetAction(parse =>
        {
            var entries = ModelRegistry.History(parse.GetValue(root)!, parse.GetValue(historyTask)!);
            if (entries.Count == 0)
            {
                Console.WriteLine("(no activations recorded)");
            }

            foreach (var e in entries.Reverse())
            {
                Console.WriteLine(string.Create(Inv,
                    $"{(e.Time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", Inv) : "?"),-20}  {e.User ?? "?",-12}  {e.From} -> {e.To}  {e.Action ?? "?"}{(e.Forced ? " (forced)" : string.Empty)}{(e.Metrics is { } m ? "  " + m : string.Empty)}"));
            }

            return ExitCodes.Ok;
        });
        return new Command("models", "The model registry under models/.") { list, fromTeacher, fromFineTuned, history };
    }

    public static Command Evaluate()
    {
        var (task, model, data, root, datasets) = (TaskOption(), new Option<string>("--model") { Description = "A version folder, or 'active'.", DefaultValueFactory = _ => "active" }, DataOption(), ModelsOption(), DatasetsOption());
        var report = new Option<string?>("--report") { Description = "Write report.md and PNG plots (confusion matrix, reliability, per-class F1) to this folder." };
        var includeTrain = IncludeTrainOption();
        var command = new Command("evaluate", "Per-class precision/recall/F1, macro-F1, accuracy, confusion matrix and calibration error on labelled data (threat, interaction: dev groups, per part).")
        {
            task, model, data, root, datasets, report, includeTrain,
        };
        command.SetAction((parse, ct) => Guard(async () =>
        {
            var request = Request(parse.GetValue(task)!, parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(root)!, parse.GetValue(datasets)) with { IncludeTrainGroups = parse.GetValue(includeTrain) };
            var evaluation = await TaskEvaluator.EvaluateAsync(request, ct);
            Console.WriteLine(EvaluationReportWriter.Markdown(evaluation));
            if (parse.GetValue(report) is { } folder)
            {
                Console.WriteLine($"report: {await EvaluationReportWriter.WriteAsync(evaluation, folder, ct)}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Compare()
    {
        var (task, data, root, datasets) = (TaskOption(), DataOption(), ModelsOption(), DatasetsOption());
        var candidate = new Option<string>("--candidate") { Description = "The candidate version folder.", Required = true };
        var baseline = new Option<string>("--baseline") { Description = "A version folder, or 'active'.", DefaultValueFactory = _ => "active" };
        var tolerance = ToleranceOption();
        var includeTrain = IncludeTrainOption();
        var command = new Command("compare", "Candidate versus baseline on the same data: side-by-side metrics, per part for threat and interaction, and a verdict.")
        {
            task, candidate, baseline, data, root, datasets, tolerance, includeTrain,
        };
        command.SetAction((parse, ct) => Guard(async () =>
        {
            var request = Request(parse.GetValue(task)!, parse.GetValue(candidate)!, parse.GetValue(data)!, parse.GetValue(root)!, parse.GetValue(datasets)) with { IncludeTrainGroups = parse.GetValue(includeTrain) };
            var baselineDir = Resolve(parse.GetValue(root)!, request.Task, parse.GetValue(baseline)!);
            var comparison = await ModelPromotion.CompareAsync(request, baselineDir, parse.GetValue(tolerance), ct);
            Print(comparison);
            return comparison.CandidateIsNotWorse ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    public static Command Promote()
    {
        var (task, data, root, datasets) = (TaskOption(), DataOption(required: false), ModelsOption(), DatasetsOption());
        var candidate = new Argument<string>("version-folder") { Description = "The version folder to make active (inside models/ or anywhere else)." };
        var force = new Option<bool>("--force") { Description = "Promote even if the candidate is worse (or without comparing)." };
        var tolerance = ToleranceOption();
        var includeTrain = IncludeTrainOption();
        var command = new Command("promote", "Make a version active; refuses, showing the numbers, when it is worse than the active one on --data (threat, interaction: on the pooled dev groups or on any part of them).")
        {
            task, candidate, data, root, datasets, force, tolerance, includeTrain,
        };
        command.SetAction((parse, ct) => Guard(async () =>
        {
            var request = Request(parse.GetValue(task)!, parse.GetValue(candidate)!, parse.GetValue(data) ?? [], parse.GetValue(root)!, parse.GetValue(datasets)) with { IncludeTrainGroups = parse.GetValue(includeTrain) };
            var result = await ModelPromotion.PromoteAsync(parse.GetValue(root)!, request, parse.GetValue(tolerance), parse.GetValue(force), TimeProvider.System, ct);
            if (result.Comparison is { } comparison)
            {
                Print(comparison);
            }

            Console.WriteLine(result.Message);
            return result.Promoted ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    public static Command Rollback()
    {
        var (task, root) = (TaskOption(), ModelsOption());
        var to = new Option<string?>("--to") { Description = "A version that was active before (see models history) to go back to." };
        var steps = new Option<int>("--steps") { Description = "How many activations to walk back (default 1; twice 1 = once 2).", DefaultValueFactory = _ => 1 };
        var command = new Command("rollback", "Walk back along the previously active versions (HISTORY), or to one named by --to; recorded in HISTORY.") { task, root, to, steps };
        command.SetAction(parse =>
        {
            try
            {
                var (from, target) = ModelRegistry.Rollback(
                    parse.GetValue(root)!, parse.GetValue(task)!, parse.GetValue(steps), parse.GetValue(to), stanceLoader: CliEncoders.StanceLoader);
                Console.WriteLine($"rolled back {parse.GetValue(task)}: {from} -> {target}");
                return ExitCodes.Ok;
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }
            catch (ModelLoadException ex)
            {
                // The version to go back to does not load: ACTIVE stays where it is.
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.ModelError;
            }
        });
        return command;
    }

    public static Command Status()
    {
        var (root, db) = (ModelsOption(), DbOption());
        var command = new Command("status", "Active model versions, and what the worker has loaded and since when.") { root, db };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CoreServices.Build(databasePath: parse.GetValue(db), modelsRoot: parse.GetValue(root));
            var options = host.Get<IOptions<ThreatScorerOptions>>().Value;
            Console.WriteLine("active in the registry:");
            foreach (var task in ModelTasks.Known)
            {
                Console.WriteLine($"  {task,-12} {ModelRegistry.ActiveVersion(options.Models.Root, task) ?? "(none)"}");
            }

            var status = await WorkerStatusFile.ReadAsync(options.Store.SqlitePath, ct);
            if (status is null)
            {
                Console.WriteLine($"worker: no status file at {WorkerStatusFile.PathFor(options.Store.SqlitePath)} (not started yet)");
                return ExitCodes.Ok;
            }

            Console.WriteLine(string.Create(Inv, $"worker (pid {status.ProcessId}, started {status.StartedAt:u}, status updated {status.UpdatedAt:u}):"));
            Console.WriteLine(string.Create(Inv, $"  models loaded since {status.ModelsLoadedAt:u}: {status.Models.Key}"));
            Console.WriteLine(string.Create(Inv, $"  last run: {(status.LastRunAt is { } at ? $"{at:u}, {status.LastRun}" : "none yet")}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Rescore()
    {
        var since = new Option<DateTimeOffset>("--since") { Description = "Re-score articles ingested at or after this date (ISO 8601).", Required = true };
        var task = new Option<string?>("--task") { Description = "Only articles scored by another version of this task's model." };
        var (root, db) = (ModelsOption(), DbOption());
        var command = new Command("rescore", "Re-score stored articles with the active models; older scores are kept (history per model version).")
        {
            since, task, root, db,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CoreServices.Build(databasePath: parse.GetValue(db), modelsRoot: parse.GetValue(root));
            await host.Get<Core.Storage.IArticleStore>().MigrateAsync(ct);
            var options = host.Get<IOptions<ThreatScorerOptions>>().Value;
            var summary = await host.Get<Rescoring>().RescoreAsync(parse.GetValue(since), parse.GetValue(task), options.Inbox.Limits, ct);
            Console.WriteLine($"{summary.Considered} scored articles since {parse.GetValue(since):u}: {summary.Rescored} re-scored, {summary.AlreadyCurrent} already current, {summary.Failed} failed");
            Console.WriteLine($"models: {host.Get<ScoringModelProvider>().Current.Versions.Key}");
            return summary.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static void Print(ModelComparison c)
    {
        Console.Write(EvaluationReportWriter.Scope(c.Candidate));
        // Full version ids on their own lines: ids share their fingerprint part, so a cut id can name two models.
        Console.WriteLine($"candidate: {c.Candidate.Version} ({c.Candidate.ModelDirectory})");
        Console.WriteLine($"baseline:  {c.Baseline.Version} ({c.Baseline.ModelDirectory})");
        Console.WriteLine($"{"",-24} {"candidate",12} {"baseline",12} {"delta",8}");
        Row("macro-F1", c.Candidate.Report.MacroF1, c.Baseline.Report.MacroF1);
        Row("accuracy", c.Candidate.Report.Accuracy, c.Baseline.Report.Accuracy);
        Row("calibration error", c.Candidate.CalibrationError, c.Baseline.CalibrationError);
        for (var i = 0; i < c.Candidate.Report.PerClass.Count; i++)
        {
            Row("F1 " + c.Candidate.Report.PerClass[i].Label, c.Candidate.Report.PerClass[i].F1, c.Baseline.Report.PerClass[i].F1);
        }

        Console.Write(EvaluationReportWriter.ComparisonParts(c));
        Console.WriteLine(string.Create(Inv, $"verdict: {c.Verdict} (macro-F1 {SignedDelta(c.MacroF1Delta)}, {c.Candidate.Report.Count} examples, tolerance {c.Tolerance})"));

        static void Row(string name, double candidate, double baseline) =>
            Console.WriteLine(string.Create(Inv, $"{name,-24} {candidate,12:F4} {baseline,12:F4} {SignedDelta(candidate - baseline),8}"));
    }

    /// <summary>A difference with its sign, to 4 places; one that rounds to zero is "0.0000" (never "-+0.0000").</summary>
    internal static string SignedDelta(double delta)
    {
        var rounded = Math.Round(delta, 4, MidpointRounding.AwayFromZero);
        return rounded == 0 ? "0.0000" : rounded.ToString("+0.0000;-0.0000", Inv);
    }

    private static string Headline(System.Text.Json.JsonElement metrics)
    {
        var parts = new List<string>();
        // Versions of one task can differ in kind (n-gram or encoder): the cost of serving them differs by ~40×.
        if (metrics.TryGetProperty("kind", out var kind) && kind.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            var notes = new List<string>();
            if (metrics.TryGetProperty("head", out var head) && head.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                notes.Add($"{head.GetString()} head");
            }

            if (metrics.TryGetProperty("encoderQuantization", out var q) && q.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                notes.Add(q.GetString()!);
            }
            else if (metrics.TryGetProperty("encoderFileQuantization", out var fq) && fq.ValueKind == System.Text.Json.JsonValueKind.String
                && fq.GetString()!.StartsWith("int8", StringComparison.Ordinal))
            {
                notes.Add("int8 file");
            }

            parts.Add(notes.Count > 0 ? $"{kind.GetString()} ({string.Join(", ", notes)})" : kind.GetString()!);
        }
        if (metrics.TryGetProperty("dev", out var dev) && dev.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var entry in dev.EnumerateObject())
            {
                if (entry.Value.ValueKind == System.Text.Json.JsonValueKind.Object && entry.Value.TryGetProperty("macroF1", out var f1))
                {
                    parts.Add(string.Create(Inv, $"{entry.Name} macro-F1 {f1.GetDouble():F3}"));
                }
            }
        }

        if (metrics.TryGetProperty("cameoDev", out var cameo) && cameo.TryGetProperty("macroF1", out var cf1))
        {
            parts.Add(string.Create(Inv, $"cameo-dev macro-F1 {cf1.GetDouble():F3}"));
        }

        if (metrics.TryGetProperty("createdUtc", out var created))
        {
            parts.Add("trained " + created.GetString());
        }

        return string.Join("; ", parts);
    }

    private static EvaluationRequest Request(string task, string model, string[] data, string modelsRoot, string[]? datasets) =>
        new(task, Resolve(modelsRoot, task, model), data)
        {
            Datasets = TrainCommand.Datasets(datasets ?? []),
            GazetteerPath = Path.Combine(modelsRoot, ScoringModels.GazetteerRelativePath),
            StanceLoader = CliEncoders.StanceLoader,
        };

    private static string Resolve(string modelsRoot, string task, string model) =>
        model == "active" ? ModelRegistry.ResolveActiveDirectory(modelsRoot, task) : model;

    private static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is InputFormatException or ArgumentException or FileNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (ModelLoadException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.ModelError;
        }
    }

    private static Option<string> TaskOption() => new("--task") { Description = "stance, sentiment, threat or interaction.", Required = true };

    private static Option<string[]> DataOption(bool required = true) => new("--data")
    {
        Description = "Labelled files: NewsMTSC JSONL (stance, sentiment); threat-corpus JSONL files or folders (threat, interaction); CAMEO TSV (interaction).",
        Required = required,
        AllowMultipleArgumentsPerToken = true,
    };

    private static Option<string> ModelsOption() => new("--models") { Description = "Models root.", DefaultValueFactory = _ => "models" };

    private static Option<string?> DbOption() => new("--db") { Description = "SQLite database (default: data/threatscorer.db)." };

    private static Option<string[]> DatasetsOption() => new("--dataset") { Description = "Third-party dataset as name=path (see train).", AllowMultipleArgumentsPerToken = true };

    private static Option<bool> IncludeTrainOption() => new("--include-train")
    {
        Description = "Threat, interaction: score the corpus's train groups too (optimistic; by default only the dev groups are scored).",
    };

    private static Option<double> ToleranceOption() => new("--tolerance") { Description = "How much lower macro-F1 still counts as not worse (pooled, and on each part for threat and interaction).", DefaultValueFactory = _ => 0.0 };
}
