using Microsoft.Extensions.Logging;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Ingestion;

/// <summary>Counts of what one ingest pass did.</summary>
public sealed record IngestSummary(int FilesRead, int FilesUnchanged, int Added, int NewVersions, int Duplicates, int Rejected)
{
    public static IngestSummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public IngestSummary Add(IngestSummary other) => new(
        FilesRead + other.FilesRead, FilesUnchanged + other.FilesUnchanged, Added + other.Added,
        NewVersions + other.NewVersions, Duplicates + other.Duplicates, Rejected + other.Rejected);
}

/// <summary>
/// Reads inbox folders and files into the store. Files already read in the same state (path, size,
/// modification time) are skipped; everything else is read, deduplicated and queued, and every bad input
/// is recorded as rejected with its reason without stopping the others.
/// </summary>
public sealed class InboxIngestor(IArticleStore store, ArticleFileReader reader, ILogger<InboxIngestor> logger)
{
    /// <summary>Ingests every supported file directly inside each folder (missing folders are skipped with a note).</summary>
    public async Task<IngestSummary> IngestFoldersAsync(IEnumerable<string> folders, ArticleLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var total = IngestSummary.Empty;
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                logger.LogDebug("Inbox folder {Folder} does not exist; skipped", Path.GetFullPath(folder));
                continue;
            }

            var files = Directory.EnumerateFiles(folder)
                .Where(ArticleFileReader.IsSupported)
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                total = total.Add(await IngestFileAsync(file, limits, force: false, cancellationToken));
            }
        }

        return total;
    }

    /// <summary>Ingests one file or folder now (a file is read even if it was read before; duplicates are still skipped).</summary>
    public async Task<IngestSummary> IngestPathAsync(string path, ArticleLimits limits, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            return await IngestFoldersAsync([path], limits, cancellationToken);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file or folder: {Path.GetFullPath(path)}", path);
        }

        return await IngestFileAsync(path, limits, force: true, cancellationToken);
    }

    private async Task<IngestSummary> IngestFileAsync(string file, ArticleLimits limits, bool force, CancellationToken cancellationToken)
    {
        var info = new FileInfo(file);
        var fullPath = info.FullName;
        if (!info.Exists)
        {
            // Listed a moment ago, gone now (moved away by whoever writes the inbox): nothing to read or record.
            logger.LogInformation("Skipped {Path}: it disappeared before it could be read", fullPath);
            return IngestSummary.Empty;
        }

        var modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        if (!force && await store.IsInboxFileUnchangedAsync(fullPath, info.Length, modified, cancellationToken))
        {
            return IngestSummary.Empty with { FilesUnchanged = 1 };
        }

        int added = 0, versions = 0, duplicates = 0, rejected = 0;
        foreach (var result in reader.Read(fullPath, limits))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (result.Article is { } article)
            {
                var hash = ArticleKeys.ContentHash(article);
                var (outcome, id) = await store.IngestAsync(article, hash, cancellationToken);
                switch (outcome)
                {
                    case IngestOutcome.Added:
                        added++;
                        logger.LogInformation("Queued article {ArticleId} from {Location}", id, result.Location);
                        break;
                    case IngestOutcome.NewVersion:
                        versions++;
                        logger.LogInformation("Queued a new version of article {ArticleId} from {Location}", id, result.Location);
                        break;
                    default:
                        // One line per duplicate at Debug: re-reading an appended JSONL file meets every old line again.
                        duplicates++;
                        logger.LogDebug("Skipped {Location}: duplicate of article {ArticleId}", result.Location, id);
                        break;
                }
            }
            else
            {
                var (outcome, id) = await store.RecordRejectionAsync(result, cancellationToken);
                if (outcome == IngestOutcome.Rejected)
                {
                    rejected++;
                    logger.LogWarning("Rejected {Location} ({ArticleId}): {Reason}", result.Location, id, result.RejectionReason);
                }
            }
        }

        if (duplicates > 0)
        {
            logger.LogInformation("Skipped {Duplicates} duplicate(s) of stored articles in {Path}", duplicates, fullPath);
        }

        await store.MarkInboxFileReadAsync(fullPath, info.Length, modified, cancellationToken);
        return new IngestSummary(1, 0, added, versions, duplicates, rejected);
    }
}
