using System.CommandLine;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;
using ThreatScorer.Encoders;

namespace ThreatScorer.Cli.Commands;

/// <summary>
/// <c>threatscorer distill-label --teacher DIR --pool name=path… --out FILE</c>: the stance teacher labels actor
/// mentions in unlabelled real text; the labels are written by reference (no text) for <c>train --distill-labels</c>.
/// </summary>
internal static class DistillCommand
{
    public static Command Create()
    {
        var teacher = new Option<string>("--teacher") { Description = "A stance-teacher version folder (train --task stance-teacher).", Required = true };
        var pools = new Option<string[]>("--pool")
        {
            Description = "Unlabelled dataset as name=path: newsmtsc=NewsMTSC JSONL (or its folder), any other name = article JSONL {id,title,text} (e.g. whitehouse=data/whitehouse/statements.jsonl).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var max = new Option<int>("--max-per-dataset") { Description = "Seeded sample of at most this many mentions per dataset.", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 42 };
        var gazetteer = new Option<string>("--gazetteer") { Description = "Actor gazetteer.", DefaultValueFactory = _ => Path.Combine("models", "actors", "gazetteer.json") };
        var output = new Option<string>("--out") { Description = "Labels file (JSONL, references only).", Required = true };
        var command = new Command("distill-label", "Label actor mentions in unlabelled text with the stance teacher (references only, for train --distill-labels).")
        {
            teacher, pools, max, seed, gazetteer, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var map = CliArguments.NamedPaths(parse.GetValue(pools)!, "--pool");

            try
            {
                using var encoder = new MiniLmEncoder();
                var model = StanceTeacher.Load(parse.GetValue(teacher)!, encoder);
                var recognizer = new ActorRecognizer(Gazetteer.Load(parse.GetValue(gazetteer)!));
                var labels = await PoolLabelling.LabelAsync(
                    model, map, recognizer, parse.GetValue(max), parse.GetValue(seed),
                    new SynchronousProgress<string>(Console.WriteLine), ct);
                await DistillationPool.WriteLabelsAsync(parse.GetValue(output)!, labels, ct);
                Console.WriteLine($"wrote {labels.Count} labels by {model.Version} to {parse.GetValue(output)}: "
                    + string.Join(", ", labels.GroupBy(l => l.Label).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
                return ExitCodes.Ok;
            }
            catch (ModelLoadException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.ModelError;
            }
            catch (Exception ex) when (ex is InputFormatException or DistillationDataException or FileNotFoundException or DirectoryNotFoundException)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }
}
