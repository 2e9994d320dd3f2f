using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Configuration;

/// <summary>
/// What must succeed before the first job: the schema is migrated and every model is loaded (resolving this
/// class loads them). Run once at start;
/// any failure stops the start with a message naming the path and the reason.
/// </summary>
public sealed class StartupTasks(
    IArticleStore store,
    ScoringModelProvider models,
    IOptions<ThreatScorerOptions> options,
    ILogger<StartupTasks> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        var version = await store.GetSchemaVersionAsync(cancellationToken);
        if (store is SqliteArticleStore sqlite)
        {
            logger.LogInformation("Store: SQLite database {DatabasePath} (schema version {SchemaVersion})", sqlite.DatabasePath, version);
        }
        else if (store is PostgresArticleStore postgres)
        {
            logger.LogInformation("Store: PostgreSQL {Server} database {Database} (schema version {SchemaVersion})",
                postgres.Server, postgres.Database, version);
        }

        var versions = models.Current.Versions;
        logger.LogInformation("Models loaded from {ModelsRoot}: stance {Stance}, sentiment {Sentiment}, threat {Threat}, interaction {Interaction}",
            Path.GetFullPath(options.Value.Models.Root), versions.Stance, versions.Sentiment, versions.Threat, versions.Interaction);
        logger.LogInformation("Inbox folders: {Folders}",
            string.Join(", ", options.Value.Inbox.EffectiveFolders.Select(Path.GetFullPath)));
    }
}
