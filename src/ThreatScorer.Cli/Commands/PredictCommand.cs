using System.CommandLine;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer predict --task T --input IN.jsonl --output OUT.jsonl</c>: batch prediction.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "stance, sentiment, threat or interaction.", Required = true };
        var input = new Option<string>("--input") { Description = "Input JSONL (- for standard input).", Required = true };
        var output = new Option<string>("--output") { Description = "Output JSONL (- for standard output).", Required = true };
        var models = new Option<string>("--models") { Description = "Models folder.", DefaultValueFactory = _ => "models" };
        var command = new Command("predict", "Predict labels for every line of a JSONL file; a malformed line stops with file:line and writes nothing.")
        {
            task, input, output, models,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(task)!, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(models)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(string task, string input, string output, string modelsRoot, CancellationToken ct)
    {
        var predictor = BatchPredictor.ForModelsRoot(modelsRoot, CliEncoders.StanceLoader);
        try
        {
            int count;
            if (input == "-" || output == "-")
            {
                using var reader = input == "-" ? Console.In : new StreamReader(input);
                var buffer = new StringWriter();
                count = await predictor.RunAsync(task, reader, buffer, input == "-" ? "<stdin>" : input, ct);
                if (output == "-")
                {
                    await Console.Out.WriteAsync(buffer.ToString());
                }
                else
                {
                    await File.WriteAllTextAsync(output, buffer.ToString(), ct);
                }
            }
            else
            {
                count = await predictor.RunAsync(task, input, output, ct);
            }

            await Console.Error.WriteLineAsync($"{count} predictions written to {(output == "-" ? "standard output" : Path.GetFullPath(output))}");
            return ExitCodes.Ok;
        }
        catch (InputFormatException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (FileNotFoundException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (ArgumentException ex)
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
}
