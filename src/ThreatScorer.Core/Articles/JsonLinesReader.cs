using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// JSONL, streamed: one result per non-blank line, line numbers 1-based, the size limit applied per line
/// (a long line is hashed and skipped without being buffered), so a large export never sits in memory whole.
/// Results are produced lazily, one line at a time. Encoding problems that concern every line (a binary
/// format, UTF-16 or UTF-32) reject the file once; a NUL byte or invalid UTF-8 rejects only its own line.
/// </summary>
internal static class JsonLinesReader
{
    private const int ChunkBytes = 64 * 1024;

    public static IEnumerable<ArticleReadResult> Read(Stream stream, string path, long maxLineBytes)
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
                var position = 0;
                if (first)
                {
                    first = false;
                    if (WhyNotLinesOfText(chunk.AsSpan(0, read)) is { } notText)
                    {
                        Drain(stream, chunk, fileHash);
                        yield return FileRejection(path, fileHash, notText);
                        yield break;
                    }

                    if (chunk.AsSpan(0, read).StartsWith(ArticleDecoder.Utf8Bom))
                    {
                        position = ArticleDecoder.Utf8Bom.Length;
                    }
                }

                while (position < read)
                {
                    var newline = chunk.AsSpan(position, read - position).IndexOf((byte)'\n');
                    var pieceLength = newline < 0 ? read - position : newline;
                    lineLength += pieceLength;
                    if (!oversize && lineLength > maxLineBytes)
                    {
                        oversize = true;
                        lineHash.AppendData(line.WrittenSpan);
                        line.ResetWrittenCount();
                    }

                    if (oversize)
                    {
                        lineHash.AppendData(chunk, position, pieceLength);
                    }
                    else
                    {
                        line.Write(chunk.AsSpan(position, pieceLength));
                    }

                    if (newline < 0)
                    {
                        break;
                    }

                    if (EndLine(path, lineNumber++, line, lineHash, oversize, lineLength, maxLineBytes) is { } result)
                    {
                        anyContent = true;
                        yield return result;
                    }

                    line.ResetWrittenCount();
                    lineLength = 0;
                    oversize = false;
                    position += pieceLength + 1;
                }
            }

            if (lineLength > 0 && EndLine(path, lineNumber, line, lineHash, oversize, lineLength, maxLineBytes) is { } last)
            {
                anyContent = true;
                yield return last;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (!anyContent)
        {
            yield return FileRejection(path, fileHash, first ? "empty file" : "file holds only blank lines");
        }
    }

    /// <summary>
    /// Why the head of a JSONL file is not lines of UTF-8 text at all: what whole files are refused for (a binary
    /// format's signature, UTF-16 or UTF-32), or mostly control bytes (random binary named .jsonl, which would
    /// otherwise become hundreds of line rejections per 64 KB). A NUL here and there is left to its own line.
    /// </summary>
    private static string? WhyNotLinesOfText(ReadOnlySpan<byte> head)
    {
        if (ArticleDecoder.WhyNotUtf8Text(head, nulIsPerLine: true) is { } reason)
        {
            return reason;
        }

        var control = 0;
        foreach (var b in head)
        {
            control += b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t' ? 1 : 0;
        }

        return head.Length >= MinBinarySample && control * 10 >= head.Length
            ? string.Create(CultureInfo.InvariantCulture, $"binary content: {control * 100 / head.Length}% control bytes in the first {head.Length:N0} bytes")
            : null;
    }

    /// <summary>Below this many bytes a file is judged line by line only: a short file is cheap to reject per line.</summary>
    private const int MinBinarySample = 512;

    /// <summary>Turns one finished line into a result; null for a blank line, which is skipped.</summary>
    private static ArticleReadResult? EndLine(
        string path, int number, ArrayBufferWriter<byte> buffer, IncrementalHash lineHash, bool oversize, long length, long maxLineBytes)
    {
        if (oversize)
        {
            var longHash = Convert.ToHexStringLower(lineHash.GetHashAndReset());
            return ArticleFileReader.Rejected(path, number, longHash, ArticleFileReader.OversizeReason("line", length, maxLineBytes));
        }

        var bytes = buffer.WrittenSpan;
        if (bytes.EndsWith((byte)'\r'))
        {
            bytes = bytes[..^1];
        }

        if (bytes.Trim(" \t\r"u8).IsEmpty)
        {
            return null;
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

        return article is null
            ? ArticleFileReader.Rejected(path, number, hash, reason!)
            : new ArticleReadResult { Article = article, SourcePath = path, SourceLine = number, ContentHash = hash };
    }

    /// <summary>
    /// Finishes the hash of a file rejected as a whole: a seekable file by its length (a 4 GB sparse file is not
    /// read to the end), standard input by reading it out.
    /// </summary>
    private static void Drain(Stream stream, byte[] chunk, IncrementalHash hash)
    {
        if (stream.CanSeek)
        {
            Span<byte> length = stackalloc byte[sizeof(long)];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, stream.Length);
            hash.AppendData(length);
            return;
        }

        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            hash.AppendData(chunk, 0, read);
        }
    }

    private static ArticleReadResult FileRejection(string path, IncrementalHash hash, string reason) =>
        ArticleFileReader.Rejected(path, null, Convert.ToHexStringLower(hash.GetHashAndReset()), reason);
}
