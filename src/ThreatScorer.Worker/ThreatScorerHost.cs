using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Worker;

/// <summary>Builds the worker host; shared by the worker's Program, <c>threatscorer run</c> and the tests.</summary>
public static class ThreatScorerHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        // Content root = the app folder, so its appsettings.json is found wherever the worker is started from;
        // data paths (inbox, database, models) stay relative to the working directory.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Logging:Console:FormatterName=json (the container's setting) gives one JSON object per line with the
        // run and article ids as scope fields; otherwise a plain single-line console.
        if (string.Equals(builder.Configuration["Logging:Console:FormatterName"], ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = false; // run and article ids are in the messages; JSON logs carry them as scopes
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        builder.Services.AddThreatScorerWorker(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Runs the host until shutdown. A bad setting or a broken model stops the start with a short message on
    /// standard error and a distinct exit code (2: settings, 3: models) instead of a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host.RunAsync(cancellationToken);
            return 0;
        }
        catch (Exception ex) when (SettingsFailures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("ThreatScorer did not start: invalid settings:\n  - " + string.Join("\n  - ", failures));
            return 2;
        }
        catch (ModelLoadException ex)
        {
            await Console.Error.WriteLineAsync($"ThreatScorer did not start: {ex.Message}");
            return 3;
        }
        catch (Exception ex) when (BindFailure(ex) is { } bind)
        {
            // A taken port is a setting to change, like any other bad setting: one line and exit 2, as `serve` does.
            await Console.Error.WriteLineAsync($"ThreatScorer did not start: {bind.Message}");
            return 2;
        }
    }

    private static ThreatScorer.Web.Hosting.WebBindException? BindFailure(Exception ex) => ex switch
    {
        ThreatScorer.Web.Hosting.WebBindException bind => bind,
        AggregateException aggregate => aggregate.InnerExceptions.Select(BindFailure).FirstOrDefault(b => b is not null),
        _ => null,
    };

    // The host throws one OptionsValidationException, or an AggregateException of them when several options classes fail.
    private static List<string> SettingsFailures(Exception ex) => ex switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => [],
    };
}
