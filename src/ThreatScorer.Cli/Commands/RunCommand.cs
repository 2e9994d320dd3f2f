using System.CommandLine;
using ThreatScorer.Worker;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer run</c>: the worker in the foreground (same host as ThreatScorer.Worker).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Run one ingest-and-score pass, then exit." };
        var command = new Command("run", "Run the worker in the foreground (Ctrl+C stops it cleanly).") { once };
        command.SetAction(async (parse, ct) =>
        {
            string[] args = parse.GetValue(once) ? ["--ThreatScorer:Schedule:RunOnce=true"] : [];
            using var host = ThreatScorerHost.CreateBuilder(args).Build();
            return await ThreatScorerHost.RunAsync(host, ct);
        });
        return command;
    }
}
