using System.Buffers;
using System.Security.Cryptography;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// JSONL, streamed: one result per non-blank line, line numbers 1-based, the size limit applied per line
/// (a long line is hashed and skipped without being buffered), so a large export never sits in memory whole.
/// </summary>
internal static class JsonLinesReader
{
    private const int ChunkBytes = 64 * 1024;

    public static void Read(Stream stream, string path, long maxLineBytes, List<ArticleReadResult> results)
    {
        using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var lineHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new ArrayBufferWriter<byte>();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var lineNumber = 1;
        long lineLength = 0;
        var oversize = false;
        var first = true;
        var anyContent = false;
        try
        {
            int read;
            while ((read = stream.Read(chunk, 0, ChunkBytes)) > 0)
            {
                fileHash.AppendData(chunk, 0, read);
                var data = chunk.AsSpan(0, read);
                if (first)
                {
                    first = false;
                    // Not UTF-8 text at the start (a binary, UTF-16 or UTF-32 file named .jsonl): one rejection for
                    // the file, not one per "line".
                    if (ArticleDecoder.WhyNotUtf8Text(data) is { } notText)
                    {
                        Drain(stream, chunk, fileHash);
                        results.Add(FileRejection(path, fileHash, notText));
                        return;
                    }

                    if (data.StartsWith(ArticleDecoder.Utf8Bom))
                    {
                        data = data[ArticleDecoder.Utf8Bom.Length..];
                    }
                }

                while (!data.IsEmpty)
                {
                    var newline = data.IndexOf((byte)'\n');
                    var piece = newline < 0 ? data : data[..newline];
                    lineLength += piece.Length;
                    if (!oversize && lineLength > maxLineBytes)
                    {
                        oversize = true;
                        lineHash.AppendData(line.WrittenSpan);
                        line.ResetWrittenCount();
                    }

                    if (oversize)
                    {
                        lineHash.AppendData(piece);
                    }
                    else
                    {
                        piece.CopyTo(line.GetSpan(piece.Length));
                        line.Advance(piece.Length);
                    }

                    if (newline < 0)
                    {
                        break;
                    }

                    anyContent |= EndLine(path, lineNumber++, line, lineHash, oversize, lineLength, maxLineBytes, results);
                    line.ResetWrittenCount();
                    lineLength = 0;
                    oversize = false;
                    data = data[(newline + 1)..];
                }
            }

            if (lineLength > 0)
            {
                anyContent |= EndLine(path, lineNumber, line, lineHash, oversize, lineLength, maxLineBytes, results);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (!anyContent)
        {
            results.Add(FileRejection(path, fileHash, first ? "empty file" : "file holds only blank lines"));
        }
    }

    /// <summary>Turns one finished line into a result; false for a blank line, which is skipped.</summary>
    private static bool EndLine(
        string path, int number, ArrayBufferWriter<byte> buffer, IncrementalHash lineHash, bool oversize, long length,
        long maxLineBytes, List<ArticleReadResult> results)
    {
        if (oversize)
        {
            var longHash = Convert.ToHexStringLower(lineHash.GetHashAndReset());
            results.Add(ArticleFileReader.Rejected(
                path, number, longHash, ArticleFileReader.OversizeReason("line", length, maxLineBytes)));
            return true;
        }

        var bytes = buffer.WrittenSpan;
        if (bytes.EndsWith((byte)'\r'))
        {
            bytes = bytes[..^1];
        }

        if (bytes.Trim(" \t\r"u8).IsEmpty)
        {
            return false;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string? reason = null;
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            reason = $"binary content: NUL byte at byte offset {nul} of the line";
        }
        else if (ArticleDecoder.FindInvalidUtf8(bytes) is var invalid and >= 0)
        {
            reason = $"invalid UTF-8 at byte offset {invalid} of the line";
        }

        RawArticle? article = null;
        if (reason is null)
        {
            (article, reason) = JsonArticleParser.Parse(bytes.ToArray(), path, number);
        }

        results.Add(article is null
            ? ArticleFileReader.Rejected(path, number, hash, reason!)
            : new ArticleReadResult { Article = article, SourcePath = path, SourceLine = number, ContentHash = hash });
        return true;
    }

    private static void Drain(Stream stream, byte[] chunk, IncrementalHash hash)
    {
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            hash.AppendData(chunk, 0, read);
        }
    }

    private static ArticleReadResult FileRejection(string path, IncrementalHash hash, string reason) =>
        ArticleFileReader.Rejected(path, null, Convert.ToHexStringLower(hash.GetHashAndReset()), reason);
}
