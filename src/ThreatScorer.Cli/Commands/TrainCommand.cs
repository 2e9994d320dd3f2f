using System.CommandLine;
using System.Globalization;
using ThreatScorer.Core.Models;
using Spectre.Console;
using ThreatScorer.Core.Training;
using ThreatScorer.Encoders;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer train --task T --data FILE… --dev FILE…</c>: train a model version into the models folder.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "stance, sentiment, threat, interaction, or stance-teacher (the MiniLM teacher for distillation).", Required = true };
        var data = new Option<string[]>("--data") { Description = "Training JSONL files or folders (NewsMTSC format for stance/sentiment; seeds/training/threat for threat/interaction).", Required = true, AllowMultipleArgumentsPerToken = true };
        var dev = new Option<string[]>("--dev") { Description = "Dev JSONL files, each evaluated and reported.", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (same data + seed = same model file).", DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--out") { Description = "Models root; the version goes to <out>/<task>/<version>/.", DefaultValueFactory = _ => "models" };
        var activate = new Option<bool>("--activate") { Description = "Make the new version the active one." };
        var datasets = new Option<string[]>("--dataset")
        {
            Description = "Third-party dataset as name=path, for labels stored by reference and extra evaluation (default: each dataset found under $THREATSCORER__DATA__ROOT, else data/ as scripts/fetch-data.sh lays it out, else ../shared/data: newsmtsc, cameo, whitehouse, onestopenglish and the real-news sets)",
            AllowMultipleArgumentsPerToken = true,
        };
        var set = new Option<string[]>("--set") { Description = "Override a hyperparameter, e.g. --set markedWindowWords=12 --set l2=1 (see the model card for names).", AllowMultipleArgumentsPerToken = true };
        var distill = new Option<string[]>("--distill-labels")
        {
            Description = "Stance: teacher labels by reference (from distill-label), joined with their text through --dataset (whitehouse, onestopenglish, newsmtsc) and added to the gold data; see --set distillWeight / distillMinConfidence.",
            AllowMultipleArgumentsPerToken = true,
        };
        var gazetteer = new Option<string>("--gazetteer")
        {
            Description = "Actor gazetteer for the threat/interaction actor features and the stance target type (its bytes are part of the fingerprint when used).",
            DefaultValueFactory = _ => Path.Combine("models", "actors", "gazetteer.json"),
        };
        var command = new Command("train", "Train a model from labelled data and write its version folder (model.zip, model card, metrics).")
        {
            task, data, dev, seed, output, activate, datasets, set, distill, gazetteer,
        };
        command.SetAction((parse, ct) =>
        {
            var name = parse.GetValue(task)!;
            if (name != ModelTasks.Stance && parse.GetValue(distill) is { Length: > 0 })
            {
                Console.Error.WriteLine($"error: --distill-labels is for --task stance only (not {name})");
                return Task.FromResult(ExitCodes.BadInput);
            }

            TextClassifierHyperparameters? hp;
            Core.Threat.ThreatHyperparameters? threatHp;
            try
            {
                hp = Hyperparameters.Override(name, parse.GetValue(set) ?? []);
                threatHp = Hyperparameters.OverrideThreat(name, parse.GetValue(set) ?? []);
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return Task.FromResult(ExitCodes.BadInput);
            }

            return RunAsync(
                new TrainingRequest(name, parse.GetValue(data)!, parse.GetValue(dev) ?? [], parse.GetValue(seed), parse.GetValue(output)!)
                {
                    Activate = parse.GetValue(activate),
                    Hyperparameters = hp,
                    ThreatHyperparameters = threatHp,
                    Datasets = Datasets(parse.GetValue(datasets) ?? []),
                    DistillLabelFiles = parse.GetValue(distill) ?? [],
                    GazetteerPath = parse.GetValue(gazetteer)!,
                },
                ct);
        });
        return command;
    }

    /// <summary>
    /// Where third-party datasets are looked for, in order: <c>THREATSCORER__DATA__ROOT</c> when set, else
    /// <c>data/</c> (where <c>scripts/fetch-data.sh</c> puts them), else the development checkout's <c>../shared/data</c>.
    /// Each dataset is taken from the first root that has it; <c>--dataset name=path</c> overrides.
    /// </summary>
    internal static IReadOnlyList<string> DataRoots(string? configured = null)
    {
        configured ??= Environment.GetEnvironmentVariable("THREATSCORER__DATA__ROOT");
        return string.IsNullOrWhiteSpace(configured) ? ["data", "../shared/data"] : [configured];
    }

    /// <summary>The first root holding <paramref name="relative"/> (a file or folder), or null.</summary>
    internal static string? FindData(string relative, string? configuredRoot = null) =>
        DataRoots(configuredRoot).Select(root => Path.Combine(root, relative)).FirstOrDefault(p => File.Exists(p) || Directory.Exists(p));

    internal static Dictionary<string, string> Datasets(string[] given, string? configuredRoot = null)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, relative) in new[]
        {
            ("newsmtsc", "newsmtsc"),
            ("cameo", "cameo-dev/cameo_train.tsv"),
            ("whitehouse", "whitehouse/statements.jsonl"),
            ("onestopenglish", "onestopenglish/articles.jsonl"),
            ("wikitimes-cep-2015-09", "real-news/wikitimes-cep-2015-09"),
            ("isaf-press-releases", "real-news/isaf-press-releases"),
            ("ucdp-ged-car", "real-news/ucdp-ged-car"),
            ("plover-gsr", "real-news/plover-gsr"),
        })
        {
            if (FindData(relative, configuredRoot) is { } path)
            {
                map[name] = path;
            }
        }

        foreach (var (name, path) in CliArguments.NamedPaths(given, "--dataset"))
        {
            map[name] = path;
        }

        return map;
    }

    private static async Task<int> RunAsync(TrainingRequest request, CancellationToken ct)
    {
        foreach (var file in request.TrainFiles.Concat(request.DevFiles).Concat(request.DistillLabelFiles))
        {
            if (!File.Exists(file) && !Directory.Exists(file))
            {
                await Console.Error.WriteLineAsync($"error: no such data file: {Path.GetFullPath(file)}");
                return ExitCodes.BadInput;
            }
        }

        try
        {
            // A progress bar over the training stages (featurising, each fit, evaluation); plain lines when redirected.
            var stages = request.Task switch { "threat" => 12, "interaction" => 5, _ => 5 };
            TrainingResult result = null!;
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask($"training {request.Task}", maxValue: stages);
                    var progress = new SynchronousProgress<TrainingProgress>(p =>
                    {
                        bar.Description = Markup.Escape($"{request.Task}: {p.Message}");
                        bar.Increment(1);
                    });
                    if (request.Task == StanceTeacher.TaskName)
                    {
                        using var encoder = new MiniLmEncoder();
                        result = await new StanceTeacherTrainer(TimeProvider.System, encoder).TrainAsync(request, progress, ct);
                    }
                    else
                    {
                        result = await ModelTraining.TrainAsync(request, TimeProvider.System, progress, ct);
                    }
                    bar.Value = bar.MaxValue;
                });
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"trained {result.Task} {result.Version} on {result.TrainExamples} examples in {result.TrainingTime.TotalSeconds:F1} s"));
            foreach (var devEval in result.DevEvaluations)
            {
                Console.WriteLine(string.Create(inv, $"  {Path.GetFileName(devEval.File)}: macro-F1 {devEval.Report.MacroF1:F3}, accuracy {devEval.Report.Accuracy:F3} ({devEval.Report.Count} examples)"));
            }

            Console.WriteLine($"model: {result.ModelDirectory}{(result.Activated ? " (active)" : string.Empty)}");
            return ExitCodes.Ok;
        }
        catch (InputFormatException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (FileNotFoundException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (ModelLoadException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.ModelError;
        }
        catch (DistillationDataException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
    }
}
