using Microsoft.Extensions.Options;
using ThreatScorer.Core.Articles;

namespace ThreatScorer.Core.Configuration;

/// <summary>
/// Settings under the "ThreatScorer" section; every one can be set by an environment variable
/// (e.g. <c>THREATSCORER__STORE__SQLITEPATH</c>, <c>THREATSCORER__INBOX__FOLDERS__0</c>).
/// Relative paths are resolved against the working directory.
/// </summary>
public sealed class ThreatScorerOptions
{
    public const string SectionName = "ThreatScorer";

    public InboxOptions Inbox { get; set; } = new();
    public StoreOptions Store { get; set; } = new();
    public ModelOptions Models { get; set; } = new();
}

/// <summary>Where articles come from and how big they may be.</summary>
public sealed class InboxOptions
{
    /// <summary>Folders read on every run (not recursively). Empty means the defaults: seeds and data/inbox.</summary>
    public List<string> Folders { get; set; } = [];

    public long MaxArticleBytes { get; set; } = ArticleLimits.DefaultMaxArticleBytes;

    public int MaxSentences { get; set; } = ArticleLimits.DefaultMaxSentences;

    /// <summary>The default of <see cref="QuietPeriod"/>: 3 seconds.</summary>
    public static readonly TimeSpan DefaultQuietPeriod = TimeSpan.FromSeconds(3);

    /// <summary>The most <see cref="QuietPeriod"/> may be: a run waits up to this long for files still being written.</summary>
    public static readonly TimeSpan MaxQuietPeriod = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A file is read once it has not changed for this long: one modified longer ago is read at once, a newer one
    /// is looked at again after this period and read if its size and modification time held (else it is left
    /// for the next run), so a file still being copied in is never scored truncated. Zero reads every file at once.
    /// </summary>
    public TimeSpan QuietPeriod { get; set; } = DefaultQuietPeriod;

    public static IReadOnlyList<string> DefaultFolders { get; } = ["seeds", Path.Combine("data", "inbox")];

    public IReadOnlyList<string> EffectiveFolders => Folders.Count > 0 ? Folders : DefaultFolders;

    public ArticleLimits Limits => new() { MaxArticleBytes = MaxArticleBytes, MaxSentences = MaxSentences };
}

/// <summary>Which store to use; chosen explicitly, never guessed.</summary>
public sealed class StoreOptions
{
    public const string SqliteProvider = "Sqlite";
    public const string PostgresProvider = "PostgreSql";

    /// <summary><c>Sqlite</c> (embedded, the default) or <c>PostgreSql</c> (several replicas sharing the work).</summary>
    public string Provider { get; set; } = SqliteProvider;

    public string SqlitePath { get; set; } = Path.Combine("data", "threatscorer.db");

    /// <summary>Npgsql connection string, for the PostgreSql provider (e.g. from THREATSCORER__STORE__CONNECTIONSTRING).</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider, PostgresProvider, StringComparison.OrdinalIgnoreCase);

    public bool IsSqlite => string.Equals(Provider, SqliteProvider, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Where the shipped models live.</summary>
public sealed class ModelOptions
{
    /// <summary>Most OnnxRuntime intra-op threads an encoder may use; more than the cores only adds contention.</summary>
    public const int MaxEncoderThreads = 64;

    public string Root { get; set; } = "models";

    /// <summary>OnnxRuntime intra-op threads of the process's one encoder (for encoder-kind models); 2 is best on 2 cores.</summary>
    public int EncoderThreads { get; set; } = 2;
}

/// <summary>Reports every invalid setting at once, each by its full name.</summary>
public sealed class ThreatScorerOptionsValidator : IValidateOptions<ThreatScorerOptions>
{
    public ValidateOptionsResult Validate(string? name, ThreatScorerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        const string s = ThreatScorerOptions.SectionName;

        if (options.Inbox.MaxArticleBytes <= 0)
        {
            problems.Add($"{s}:Inbox:MaxArticleBytes must be positive (got {options.Inbox.MaxArticleBytes}).");
        }

        if (options.Models.EncoderThreads is < 1 or > ModelOptions.MaxEncoderThreads)
        {
            problems.Add($"{s}:Models:EncoderThreads must be between 1 and {ModelOptions.MaxEncoderThreads} (got {options.Models.EncoderThreads}).");
        }

        if (options.Inbox.MaxSentences <= 0)
        {
            problems.Add($"{s}:Inbox:MaxSentences must be positive (got {options.Inbox.MaxSentences}).");
        }

        if (options.Inbox.QuietPeriod < TimeSpan.Zero || options.Inbox.QuietPeriod > InboxOptions.MaxQuietPeriod)
        {
            problems.Add($"{s}:Inbox:QuietPeriod must be between 00:00:00 and {InboxOptions.MaxQuietPeriod:c} (got {options.Inbox.QuietPeriod:c}).");
        }

        for (var i = 0; i < options.Inbox.Folders.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Inbox.Folders[i]))
            {
                problems.Add($"{s}:Inbox:Folders:{i} is empty.");
            }
        }

        if (!options.Store.IsSqlite && !options.Store.IsPostgres)
        {
            problems.Add($"{s}:Store:Provider must be '{StoreOptions.SqliteProvider}' or '{StoreOptions.PostgresProvider}' (got '{options.Store.Provider}').");
        }

        if (options.Store.IsSqlite && string.IsNullOrWhiteSpace(options.Store.SqlitePath))
        {
            problems.Add($"{s}:Store:SqlitePath is empty.");
        }

        if (options.Store.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(options.Store.ConnectionString))
            {
                problems.Add($"{s}:Store:ConnectionString is empty (the PostgreSql provider needs one, e.g. 'Host=db;Database=threatscorer;Username=ts;Password=…').");
            }
            else
            {
                try
                {
                    _ = new Npgsql.NpgsqlConnectionStringBuilder(options.Store.ConnectionString);
                }
                catch (ArgumentException ex)
                {
                    problems.Add($"{s}:Store:ConnectionString is not a valid PostgreSQL connection string: {ex.Message}");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(options.Models.Root))
        {
            problems.Add($"{s}:Models:Root is empty.");
        }
        else if (!Directory.Exists(options.Models.Root))
        {
            problems.Add($"{s}:Models:Root '{Path.GetFullPath(options.Models.Root)}' does not exist.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
