using System.Buffers;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// Reads inbox files (.txt, .md, .html/.htm, .json, .jsonl) into <see cref="RawArticle"/>s. Never throws for
/// bad input: each problem becomes a rejected <see cref="ArticleReadResult"/> whose reason names what is wrong
/// (and the field and line for JSON). Every result carries the SHA-256 of its raw bytes (of its line for
/// JSONL) so a caller can skip inputs it has already seen. Stateless and thread-safe.
/// </summary>
public sealed class ArticleFileReader
{
    private const int ChunkBytes = 64 * 1024;

    private static readonly FrozenSet<string> Extensions = FrozenSet.ToFrozenSet(
        [".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".ndjson"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="path"/> has an extension this reader understands.</summary>
    public static bool IsSupported(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Reads one inbox file; a JSONL file yields one result per non-blank line.</summary>
    [SuppressMessage("Performance", "CA1822", Justification = "An instance API so hosts can register and inject the reader.")]
    public IReadOnlyList<ArticleReadResult> Read(string path, ArticleLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(limits);
        var results = new List<ArticleReadResult>();
        try
        {
            if (NotOpened(path) is { } rejection)
            {
                results.Add(rejection);
                return results;
            }

            using var stream = new FileStream(
                path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, FileOptions.SequentialScan);
            ReadCore(stream, path, Path.GetExtension(path), limits, results);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            results.Add(Unreadable(path, ex));
        }

        return results;
    }

    /// <summary>
    /// Reads from a stream, e.g. standard input. <paramref name="displayName"/> is what results report as
    /// their path ("-" for stdin); <paramref name="extensionHint"/> (".jsonl" or "jsonl") picks the format.
    /// </summary>
    [SuppressMessage("Performance", "CA1822", Justification = "An instance API so hosts can register and inject the reader.")]
    public IReadOnlyList<ArticleReadResult> Read(Stream stream, string displayName, string extensionHint, ArticleLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        ArgumentNullException.ThrowIfNull(extensionHint);
        ArgumentNullException.ThrowIfNull(limits);
        var extension = extensionHint.StartsWith('.') ? extensionHint : "." + extensionHint;
        var results = new List<ArticleReadResult>();
        try
        {
            ReadCore(stream, displayName, extension, limits, results);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            results.Add(Unreadable(displayName, ex));
        }

        return results;
    }

    /// <summary>
    /// A rejection for a path that must not be opened: a broken symbolic link, or an entry of size 0. Opening a
    /// named pipe blocks until something writes to it and a device (a link to /dev/zero) never ends; both report
    /// size 0, as an empty file does, so nothing of size 0 is opened: there is nothing in it to read anyway.
    /// </summary>
    private static ArticleReadResult? NotOpened(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            if (final is null || !final.Exists)
            {
                return Rejected(path, null, EmptyHash, $"unreadable: broken symbolic link to {target}");
            }

            if (final is not FileInfo finalFile)
            {
                return Rejected(path, null, EmptyHash, $"unreadable: symbolic link to a folder ({final.FullName})");
            }

            info = finalFile;
        }

        return info.Exists && info.Length == 0 ? Rejected(path, null, EmptyHash, SizeZeroReason) : null;
    }

    /// <summary>Why an entry of size 0 is rejected: an empty file, a named pipe and a device look alike from outside.</summary>
    internal const string SizeZeroReason = "size 0: an empty file, pipe or device (not opened)";

    private static string EmptyHash { get; } = Convert.ToHexStringLower(SHA256.HashData([]));

    private static void ReadCore(Stream stream, string path, string extension, ArticleLimits limits, List<ArticleReadResult> results)
    {
        extension = extension.ToLowerInvariant();
        if (extension is ".jsonl" or ".ndjson")
        {
            JsonLinesReader.Read(stream, path, limits.MaxArticleBytes, results);
            return;
        }

        var (bytes, hash, length) = ReadBounded(stream, limits.MaxArticleBytes);
        if (bytes is null)
        {
            results.Add(Rejected(path, null, hash, OversizeReason("file", length, limits.MaxArticleBytes)));
            return;
        }

        if (!Extensions.Contains(extension))
        {
            results.Add(Rejected(path, null, hash, $"unsupported file type \"{extension}\""));
            return;
        }

        if (!ArticleDecoder.TryDecode(bytes, "file", out var text, out var reason))
        {
            results.Add(Rejected(path, null, hash, reason!));
            return;
        }

        var (article, why) = Parse(text, path, extension);
        results.Add(article is null
            ? Rejected(path, null, hash, why ?? "unreadable article")
            : new ArticleReadResult { Article = article, SourcePath = path, ContentHash = hash });
    }

    private static (RawArticle? Article, string? Reason) Parse(string text, string path, string extension)
    {
        switch (extension)
        {
            case ".json":
                return JsonArticleParser.Parse(text, path);
            case ".html" or ".htm":
                var html = HtmlArticleParser.Parse(text, path);
                return string.IsNullOrWhiteSpace(html.Text)
                    ? (null, "no article text in the HTML once scripts, navigation and boilerplate are removed")
                    : (html, null);
            default:
                var (title, body) = PlainTextArticleParser.Parse(text);
                if (body.Length == 0 && title is not null)
                {
                    // A one-line file: that line is the text, not a headline over nothing.
                    body = title;
                    title = null;
                }

                return body.Length == 0
                    ? (null, "no article text once site chrome (menus, share links, captions) is removed")
                    : (new RawArticle { Title = title, Text = body, SourcePath = path }, null);
        }
    }

    /// <summary>
    /// The whole input if it fits in <paramref name="limit"/> bytes, else null; the hash always covers all of
    /// it. A seekable stream over the limit is never buffered; any other is buffered only up to the limit.
    /// </summary>
    private static (byte[]? Bytes, string Hash, long Length) ReadBounded(Stream stream, long limit)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var knownTooLong = stream.CanSeek && stream.Length - stream.Position > limit;
        var buffer = knownTooLong ? null : new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long total = 0;
        try
        {
            int read;
            while ((read = stream.Read(chunk, 0, ChunkBytes)) > 0)
            {
                hash.AppendData(chunk, 0, read);
                total += read;
                if (buffer is not null && total > limit)
                {
                    buffer.Dispose();
                    buffer = null;
                }

                buffer?.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        using (buffer)
        {
            return (buffer?.ToArray(), Convert.ToHexStringLower(hash.GetHashAndReset()), total);
        }
    }

    internal static string OversizeReason(string what, long length, long limit) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{what} is {length:N0} bytes, over the limit of {limit:N0} (MaxArticleBytes)");

    internal static ArticleReadResult Rejected(string path, int? line, string hash, string reason) =>
        new() { SourcePath = path, SourceLine = line, ContentHash = hash, RejectionReason = reason };

    private static ArticleReadResult Unreadable(string path, Exception ex) =>
        Rejected(path, null, EmptyHash, $"unreadable: {ex.Message}");
}
