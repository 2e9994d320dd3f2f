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
    public IReadOnlyList<ArticleReadResult> Read(string path, ArticleLimits limits) => [.. ReadEach(path, limits)];

    /// <summary>
    /// Reads one inbox file result by result: a JSONL export of any size is read one line at a time, and a
    /// caller that stores each result before asking for the next holds one line in memory, not the file.
    /// </summary>
    [SuppressMessage("Performance", "CA1822", Justification = "An instance API so hosts can register and inject the reader.")]
    public IEnumerable<ArticleReadResult> ReadEach(string path, ArticleLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(limits);
        return Guarded(path, () => ReadFile(path, limits));
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
        return [.. Guarded(displayName, () => ReadCore(stream, displayName, extension, limits))];
    }

    /// <summary>Turns an I/O failure anywhere in <paramref name="source"/> into one last "unreadable" result.</summary>
    private static IEnumerable<ArticleReadResult> Guarded(string path, Func<IEnumerable<ArticleReadResult>> source)
    {
        ArticleReadResult? failure = null;
        IEnumerator<ArticleReadResult>? results = null;
        try
        {
            results = source().GetEnumerator();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failure = Unreadable(path, ex);
        }

        if (results is not null)
        {
            using (results)
            {
                while (true)
                {
                    ArticleReadResult current;
                    try
                    {
                        if (!results.MoveNext())
                        {
                            break;
                        }

                        current = results.Current;
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        failure = Unreadable(path, ex);
                        break;
                    }

                    yield return current;
                }
            }
        }

        if (failure is not null)
        {
            yield return failure;
        }
    }

    private static IEnumerable<ArticleReadResult> ReadFile(string path, ArticleLimits limits)
    {
        if (NotOpened(path) is { } rejection)
        {
            yield return rejection;
            yield break;
        }

        var (stream, refused) = OpenRegularFile(path);
        if (refused is not null)
        {
            yield return refused;
            yield break;
        }

        using (stream)
        {
            foreach (var result in ReadCore(stream!, path, Path.GetExtension(path), limits))
            {
                yield return result;
            }
        }
    }

    /// <summary>
    /// A rejection for a path that must not be opened: a symbolic link (never followed: a link in the inbox
    /// could point anywhere, /etc/shadow included), or an entry of size 0. Opening a named pipe blocks until
    /// something writes to it and a device never ends; both report size 0, as an empty file does, so nothing of
    /// size 0 is opened: there is nothing in it to read anyway.
    /// </summary>
    private static ArticleReadResult? NotOpened(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            return final is null || !final.Exists
                ? Rejected(path, null, EmptyHash, $"unreadable: broken symbolic link to {target}")
                : Rejected(path, null, EmptyHash, SymbolicLinkReason(target, final is DirectoryInfo));
        }

        return info.Exists && info.Length == 0 ? Rejected(path, null, EmptyHash, SizeZeroReason) : null;
    }

    /// <summary>Why a symbolic link in the inbox is refused (a file link and a folder link alike).</summary>
    internal static string SymbolicLinkReason(string target, bool toFolder) =>
        $"symbolic link to {(toFolder ? "a folder, " : "")}{target}: not followed (inbox entries must be regular files, not links)";

    /// <summary>
    /// Opens <paramref name="path"/> and checks, on the opened handle, that it is the regular file that was
    /// looked at: a link swapped in between the look and the open (to escape the inbox) is refused.
    /// </summary>
    internal static (FileStream? Stream, ArticleReadResult? Refused) OpenRegularFile(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, FileOptions.SequentialScan);
        try
        {
            if (OpenedPath(stream) is { } opened)
            {
                var expected = Path.Combine(RealPath(Path.GetDirectoryName(Path.GetFullPath(path))!), Path.GetFileName(path));
                if (!string.Equals(opened, expected, StringComparison.Ordinal))
                {
                    stream.Dispose();
                    return (null, Rejected(path, null, EmptyHash,
                        $"replaced by a symbolic link to {opened} while being opened: not read (inbox entries must be regular files, not links)"));
                }
            }

            return (stream, null);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The real path of an opened file, from /proc (Linux); null where /proc is not there.</summary>
    private static string? OpenedPath(FileStream stream)
    {
        var fd = stream.SafeFileHandle.DangerousGetHandle().ToInt64();
        var link = new FileInfo(string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{fd}"));
        try
        {
            return link.LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// <paramref name="path"/> with every symbolic link along it resolved, as the kernel reports an opened
    /// file's path (the inbox folder itself may sit behind a link, e.g. a mounted share).
    /// </summary>
    internal static string RealPath(string path, int depth = 0)
    {
        if (depth > 40)
        {
            throw new IOException($"too many levels of symbolic links in {path}");
        }

        var full = Path.GetFullPath(path);
        var resolved = Path.GetPathRoot(full)!;
        foreach (var part in full[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                next = RealPath(Path.IsPathRooted(target) ? target : Path.Combine(resolved, target), depth + 1);
            }

            resolved = next;
        }

        return resolved;
    }

    /// <summary>Why an entry of size 0 is rejected: an empty file, a named pipe and a device look alike from outside.</summary>
    internal const string SizeZeroReason = "size 0: an empty file, pipe or device (not opened)";

    private static string EmptyHash { get; } = Convert.ToHexStringLower(SHA256.HashData([]));

    private static IEnumerable<ArticleReadResult> ReadCore(Stream stream, string path, string extension, ArticleLimits limits)
    {
        extension = extension.ToLowerInvariant();
        if (extension is ".jsonl" or ".ndjson")
        {
            foreach (var line in JsonLinesReader.Read(stream, path, limits.MaxArticleBytes))
            {
                yield return line;
            }

            yield break;
        }

        yield return ReadWhole(stream, path, extension, limits);
    }

    private static ArticleReadResult ReadWhole(Stream stream, string path, string extension, ArticleLimits limits)
    {
        var (bytes, hash, length) = ReadBounded(stream, limits.MaxArticleBytes);
        if (bytes is null)
        {
            return Rejected(path, null, hash, length is { } known
                ? OversizeReason("file", known, limits.MaxArticleBytes)
                : string.Create(CultureInfo.InvariantCulture, $"file is over the limit of {limits.MaxArticleBytes:N0} bytes (MaxArticleBytes); not read further"));
        }

        if (!Extensions.Contains(extension))
        {
            return Rejected(path, null, hash, $"unsupported file type \"{extension}\"");
        }

        if (!ArticleDecoder.TryDecode(bytes, "file", out var text, out var reason))
        {
            return Rejected(path, null, hash, reason!);
        }

        var (article, why) = Parse(text, path, extension);
        return article is null
            ? Rejected(path, null, hash, why ?? "unreadable article")
            : new ArticleReadResult { Article = article, SourcePath = path, ContentHash = hash };
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
    /// The whole input if it fits in <paramref name="limit"/> bytes, else null with its length. At most
    /// limit + 1 bytes are read: a seekable stream's length comes from the opened handle (a 4 GB sparse file is
    /// refused without reading it), any other stream stops at the first byte over the limit (its length is then
    /// unknown: null). The hash covers the bytes read and the length, enough to tell one rejection from another.
    /// </summary>
    private static (byte[]? Bytes, string Hash, long? Length) ReadBounded(Stream stream, long limit)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long? knownLength = stream.CanSeek ? stream.Length - stream.Position : null;
        var toRead = Math.Min(knownLength ?? long.MaxValue, limit + 1);
        var buffer = knownLength > limit ? null : new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long total = 0;
        try
        {
            int read;
            while (total < toRead && (read = stream.Read(chunk, 0, (int)Math.Min(ChunkBytes, toRead - total))) > 0)
            {
                hash.AppendData(chunk, 0, read);
                total += read;
                buffer?.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        using (buffer)
        {
            if (buffer is not null && total <= limit)
            {
                return (buffer.ToArray(), Convert.ToHexStringLower(hash.GetHashAndReset()), total);
            }

            Span<byte> lengthBytes = stackalloc byte[sizeof(long)];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, knownLength ?? total);
            hash.AppendData(lengthBytes);
            return (null, Convert.ToHexStringLower(hash.GetHashAndReset()), knownLength);
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
