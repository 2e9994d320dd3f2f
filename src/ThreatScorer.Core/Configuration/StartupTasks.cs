using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Models;
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
        RemoveAbandonedStaging(options.Value.Models.Root);
    }

    /// <summary>
    /// Staging folders left by a promotion or training that was killed (a copied model is often 100+ MB). Best
    /// effort: a read-only models folder (a container image) is not a reason to stop the start.
    /// </summary>
    private void RemoveAbandonedStaging(string modelsRoot)
    {
        foreach (var task in ModelTasks.Known.Append(ModelTasks.StanceTeacher))
        {
            try
            {
                foreach (var removed in ModelRegistry.RemoveAbandonedStaging(Path.Combine(modelsRoot, task)))
                {
                    logger.LogInformation("Removed {Folder}, left by a promotion or training whose process is gone", removed);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogDebug("Could not look for abandoned staging folders in {Folder}: {Error}", Path.Combine(modelsRoot, task), ex.Message);
            }
        }
    }
}
