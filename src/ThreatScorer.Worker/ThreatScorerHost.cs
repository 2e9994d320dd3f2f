using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;

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
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.IncludeScopes = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.AddThreatScorerWorker(builder.Configuration);
        return builder;
    }
}
