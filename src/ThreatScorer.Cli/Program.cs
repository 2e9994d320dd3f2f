using System.CommandLine;
using ThreatScorer.Cli.Commands;

var root = new RootCommand("ThreatScorer: score news for threat framing and stance toward the actors it names.")
{
    ScoreCommand.Create(),
    PredictCommand.Create(),
    TrainCommand.Create(),
    DistillCommand.Create(),
    TiersCommand.Create(),
    ProbeCommand.Create(),
    IngestCommand.Create(),
    RunCommand.Create(),
    ArticlesCommands.CreateList(),
    ArticlesCommands.CreateShow(),
    GazetteerCommand.Create(),
    RegistryCommands.Models(),
    RegistryCommands.Evaluate(),
    RegistryCommands.Compare(),
    RegistryCommands.Promote(),
    RegistryCommands.Rollback(),
    RegistryCommands.Status(),
    RegistryCommands.Rescore(),
    ServeCommand.Create(),
    BenchCommand.Create(),
    CorrectionCommands.Correct(),
    CorrectionCommands.ExportTraining(),
};

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    // Bad settings (appsettings, THREATSCORER__ variables, a models folder not found from here): every problem, by name.
    await Console.Error.WriteLineAsync("error: invalid settings:\n  - " + string.Join("\n  - ", ex.Failures));
    return ExitCodes.BadInput;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    // What System.CommandLine's default handler would print (the default is off so the case above can be caught).
    await Console.Error.WriteLineAsync($"error: unexpected failure: {ex}");
    return 1;
}
