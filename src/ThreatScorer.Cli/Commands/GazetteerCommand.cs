using System.CommandLine;
using ThreatScorer.Core.Actors;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer gazetteer build</c>: regenerate models/actors/gazetteer.json from PETRARCH2 and the team supplement.</summary>
internal static class GazetteerCommand
{
    public static Command Create()
    {
        var petrarch = new Option<string>("--petrarch") { Description = "Folder with the PETRARCH2 dictionaries.", DefaultValueFactory = _ => TrainCommand.FindData("petrarch2") ?? "data/petrarch2" };
        var supplement = new Option<string>("--supplement") { Description = "Team-written supplement TSV.", DefaultValueFactory = _ => "src/ThreatScorer.Core/Actors/Supplement/actors-supplement.tsv" };
        var output = new Option<string>("--out") { Description = "Output gazetteer file.", DefaultValueFactory = _ => "models/actors/gazetteer.json" };
        var build = new Command("build", "Build the actor gazetteer from PETRARCH2 (MIT) and the team supplement.") { petrarch, supplement, output };
        build.SetAction(parse =>
        {
            var dir = parse.GetValue(petrarch)!;
            if (!Directory.Exists(dir))
            {
                Console.Error.WriteLine($"error: PETRARCH2 folder not found: {Path.GetFullPath(dir)}");
                return ExitCodes.BadInput;
            }

            try
            {
                var summary = GazetteerBuilder.BuildFile(dir, parse.GetValue(supplement)!, parse.GetValue(output)!);
                Console.WriteLine(summary);
                Console.WriteLine($"written: {Path.GetFullPath(parse.GetValue(output)!)}");
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.BadInput;
            }
        });
        return new Command("gazetteer", "Actor gazetteer tools.") { build };
    }
}
