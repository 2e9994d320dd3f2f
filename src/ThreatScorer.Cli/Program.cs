using System.CommandLine;
using ThreatScorer.Cli.Commands;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

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
catch (ModelLoadException ex)
{
    // For every command: a missing or corrupt model names its path and why.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return ExitCodes.ModelError;
}
catch (Exception ex) when (ex is CliUsageException or InputFormatException or DistillationDataException
    or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
{
    // For every command: bad input files name the file (and line, field) in the message; no stack trace needed.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return ExitCodes.BadInput;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    // What System.CommandLine's default handler would print (the default is off so the cases above can be caught).
    await Console.Error.WriteLineAsync($"error: unexpected failure: {ex}");
    return ExitCodes.Failure;
}
