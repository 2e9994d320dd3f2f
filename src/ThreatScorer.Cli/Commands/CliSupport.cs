using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Models;
using ThreatScorer.Encoders;

namespace ThreatScorer.Cli.Commands;

/// <summary>A command line the command cannot use (the message names the option); exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>Parsing shared by the commands' options.</summary>
internal static class CliArguments
{
    /// <summary><c>name=path</c> items of <paramref name="option"/> as a map (later items win).</summary>
    /// <exception cref="CliUsageException">An item is not <c>name=path</c>.</exception>
    public static Dictionary<string, string> NamedPaths(IEnumerable<string> items, string option)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == item.Length - 1)
            {
                throw new CliUsageException($"{option} {item}: expected name=path");
            }

            map[item[..eq]] = item[(eq + 1)..];
        }

        return map;
    }
}

/// <summary>Exit codes shared by every command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int ModelError = 3;
}

/// <summary>Builds the same services the worker uses (configuration from appsettings and THREATSCORER__ variables), without the scheduler.</summary>
internal static class CoreServices
{
    public static IHost Build(string? databasePath = null, string? modelsRoot = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (databasePath is not null)
        {
            // --db names a SQLite file: it wins over a PostgreSql provider set in appsettings or the environment.
            overrides["ThreatScorer:Store:Provider"] = StoreOptions.SqliteProvider;
            overrides["ThreatScorer:Store:SqlitePath"] = databasePath;
        }

        if (modelsRoot is not null)
        {
            overrides["ThreatScorer:Models:Root"] = modelsRoot;
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddThreatScorerEncoders();
        builder.Services.AddThreatScorerCore();
        return builder.Build();
    }

    /// <summary>
    /// For commands whose tables live in SQLite only (corrections, the review UI): an error naming the setting when
    /// the configured store is PostgreSQL, rather than quietly writing a local file nobody else reads.
    /// </summary>
    public static string? SqliteOnly(this IHost host, string command)
    {
        var store = host.Get<Microsoft.Extensions.Options.IOptions<ThreatScorerOptions>>().Value.Store;
        return store.IsPostgres
            ? $"error: `threatscorer {command}` keeps its data in SQLite and ThreatScorer:Store:Provider is PostgreSql; corrections and the review UI are not on PostgreSQL yet (pass --db with a SQLite file, which also selects the Sqlite provider, or set THREATSCORER__STORE__PROVIDER=Sqlite)."
            : null;
    }

    public static T Get<T>(this IHost host)
        where T : notnull => host.Services.GetRequiredService<T>();
}

/// <summary>
/// The one <see cref="EncoderHub"/> of a one-off command's process (its encoders load on first use, so commands whose
/// models need no encoder never load one).
/// </summary>
internal static class CliEncoders
{
    public static EncoderHub Hub { get; } = new();

    /// <summary>Loads stance versions of every kind (n-gram and encoder).</summary>
    public static StanceModelLoader StanceLoader { get; } = EncoderServices.StanceLoader(Hub);
}
