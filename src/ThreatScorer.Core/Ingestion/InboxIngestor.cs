using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Ingestion;

/// <summary>
/// Counts of what one ingest pass did; <c>Settling</c> counts files left for the next run because they were
/// still changing (being written).
/// </summary>
public sealed record IngestSummary(int FilesRead, int FilesUnchanged, int Added, int NewVersions, int Duplicates, int Rejected, int Settling = 0)
{
    public static IngestSummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public IngestSummary Add(IngestSummary other) => new(
        FilesRead + other.FilesRead, FilesUnchanged + other.FilesUnchanged, Added + other.Added,
        NewVersions + other.NewVersions, Duplicates + other.Duplicates, Rejected + other.Rejected, Settling + other.Settling);
}

/// <summary>
/// Reads inbox folders and files into the store. Files already read in the same state (path, size,
/// modification time) are skipped; everything else is read, deduplicated and queued, and every bad input
/// is recorded as rejected with its reason without stopping the others. Links are never followed out of a
/// folder: a linked folder is recorded as rejected, a linked file is refused by the reader. With a quiet period,
/// a file that changed more recently is looked at twice, a quiet period apart, and read only if it held still.
/// </summary>
public sealed class InboxIngestor(IArticleStore store, ArticleFileReader reader, TimeProvider time, ILogger<InboxIngestor> logger)
{
    /// <summary>Ingests every supported file directly inside each folder (missing folders are skipped with a note).</summary>
    public Task<IngestSummary> IngestFoldersAsync(IEnumerable<string> folders, ArticleLimits limits, CancellationToken cancellationToken) =>
        IngestFoldersAsync(folders, limits, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Ingests every supported file directly inside each folder. A file modified less than
    /// <paramref name="quietPeriod"/> ago may still be being written: it is looked at again once the period has
    /// passed (this pass waits for it) and read if its size and modification time held; otherwise it is left for
    /// the next pass, so a partial file is never scored (nor alerted on).
    /// </summary>
    public async Task<IngestSummary> IngestFoldersAsync(
        IEnumerable<string> folders, ArticleLimits limits, TimeSpan quietPeriod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var total = IngestSummary.Empty;
        var settling = new List<(FileInfo File, long Length, DateTime Modified)>();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                logger.LogDebug("Inbox folder {Folder} does not exist; skipped", Path.GetFullPath(folder));
                continue;
            }

            var entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entry.LinkTarget is { } target && IsFolderLink(entry))
                {
                    total = total.Add(await RejectFolderLinkAsync(entry, target, cancellationToken));
                    continue;
                }

                if (entry is not FileInfo file || !ArticleFileReader.IsSupported(file.FullName))
                {
                    continue;
                }

                if (quietPeriod > TimeSpan.Zero && file.LinkTarget is null && !HeldStillFor(file, quietPeriod))
                {
                    settling.Add((file, file.Length, file.LastWriteTimeUtc));
                    continue;
                }

                total = total.Add(await IngestFileAsync(file.FullName, limits, force: false, cancellationToken));
            }
        }

        if (settling.Count > 0)
        {
            total = total.Add(await IngestSettledAsync(settling, limits, quietPeriod, cancellationToken));
        }

        return total;
    }

    /// <summary>The second look at files that were still changing: read those whose size and time held.</summary>
    private async Task<IngestSummary> IngestSettledAsync(
        List<(FileInfo File, long Length, DateTime Modified)> settling, ArticleLimits limits, TimeSpan quietPeriod, CancellationToken cancellationToken)
    {
        logger.LogInformation("Waiting {QuietSeconds:F0} s for {Count} inbox file(s) modified in the last {QuietSeconds:F0} s to hold still",
            quietPeriod.TotalSeconds, settling.Count, quietPeriod.TotalSeconds);
        await Task.Delay(quietPeriod, time, cancellationToken);
        var total = IngestSummary.Empty;
        foreach (var (file, length, modified) in settling)
        {
            cancellationToken.ThrowIfCancellationRequested();
            file.Refresh();
            if (!file.Exists)
            {
                continue;
            }

            if (file.Length != length || file.LastWriteTimeUtc != modified)
            {
                logger.LogInformation("Left {Path} for the next run: it is still being written ({Before:N0} bytes, now {After:N0})",
                    file.FullName, length, file.Length);
                total = total.Add(IngestSummary.Empty with { Settling = 1 });
                continue;
            }

            total = total.Add(await IngestFileAsync(file.FullName, limits, force: false, cancellationToken));
        }

        return total;
    }

    /// <summary>Whether the file's last change is at least <paramref name="quietPeriod"/> old (a future time is not).</summary>
    private bool HeldStillFor(FileInfo file, TimeSpan quietPeriod)
    {
        var age = time.GetUtcNow() - new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        return age >= quietPeriod;
    }

    private static bool IsFolderLink(FileSystemInfo entry)
    {
        if (entry is DirectoryInfo)
        {
            return true;
        }

        try
        {
            return entry.ResolveLinkTarget(returnFinalTarget: true) is DirectoryInfo { Exists: true };
        }
        catch (IOException)
        {
            // A link loop: not a folder to record here; as a file it goes to the reader, which refuses every link.
            return false;
        }
    }

    /// <summary>
    /// A link to a folder inside an inbox folder: never descended into (it could lead anywhere), recorded once as
    /// rejected so whoever placed it can see why nothing in it was read.
    /// </summary>
    private async Task<IngestSummary> RejectFolderLinkAsync(FileSystemInfo link, string target, CancellationToken cancellationToken)
    {
        var rejection = ArticleFileReader.Rejected(
            link.FullName, null, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target))),
            ArticleFileReader.SymbolicLinkReason(target, toFolder: true));
        var (outcome, id) = await store.RecordRejectionAsync(rejection, cancellationToken);
        if (outcome != IngestOutcome.Rejected)
        {
            return IngestSummary.Empty;
        }

        logger.LogWarning("Rejected {Location} ({ArticleId}): {Reason}", rejection.Location, id, rejection.RejectionReason);
        return IngestSummary.Empty with { Rejected = 1 };
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
        // One result at a time: a large JSONL export is stored line by line, never held whole.
        foreach (var result in reader.ReadEach(fullPath, limits))
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
