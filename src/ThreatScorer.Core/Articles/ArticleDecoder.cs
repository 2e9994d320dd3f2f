using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// Bytes to text for inbox inputs: UTF-8 (BOM optional) or UTF-16 with a BOM; rejects empty, whitespace-only,
/// binary and invalid input with a reason a person can act on.
/// </summary>
internal static class ArticleDecoder
{
    /// <summary>Decodes a whole input; <paramref name="what"/> ("file", "line") words the reasons.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, string what, out string text, out string? reason)
    {
        text = "";
        if (bytes.IsEmpty)
        {
            reason = $"empty {what}";
            return false;
        }

        if (BinaryFormat(bytes) is { } format)
        {
            reason = $"binary content: {format}, not text";
            return false;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])
            || bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            reason = "UTF-32 text is not supported; save it as UTF-8";
            return false;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            if (!TryDecodeUtf16(bytes, out text, out reason))
            {
                return false;
            }
        }
        else
        {
            var bomLength = bytes.StartsWith("\uFEFF"u8) ? 3 : 0;
            var body = bytes[bomLength..];
            var nul = body.IndexOf((byte)0);
            if (nul >= 0)
            {
                reason = LooksLikeUtf16(body)
                    ? "UTF-16 text without a byte-order mark is not supported; save it as UTF-8"
                    : $"binary content: NUL byte at byte offset {nul + bomLength}";
                return false;
            }

            var invalidAt = FindInvalidUtf8(body);
            if (invalidAt >= 0)
            {
                reason = $"invalid UTF-8 at byte offset {invalidAt + bomLength} of the {what}";
                return false;
            }

            text = Encoding.UTF8.GetString(body);
        }

        return Check(text, what, out reason);
    }

    /// <summary>
    /// What a well-known binary format is called when <paramref name="bytes"/> start with its signature (an
    /// archive, image or document saved under a text extension), else null.
    /// </summary>
    public static string? BinaryFormat(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x1F, 0x8B, ..] => "a gzip archive",
        [0x50, 0x4B, 0x03 or 0x05 or 0x07, 0x04 or 0x06 or 0x08, ..] => "a zip archive",
        [0x28, 0xB5, 0x2F, 0xFD, ..] => "a zstd archive",
        [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, ..] => "an xz archive",
        [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, ..] => "a 7-Zip archive",
        [0x42, 0x5A, 0x68, >= 0x31 and <= 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, ..] => "a bzip2 archive",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "a PNG image",
        [0xFF, 0xD8, 0xFF, ..] => "a JPEG image",
        [0x47, 0x49, 0x46, 0x38, 0x37 or 0x39, 0x61, ..] => "a GIF image",
        [0x25, 0x50, 0x44, 0x46, 0x2D, ..] => "a PDF document",
        [0x7F, 0x45, 0x4C, 0x46, ..] => "an ELF executable",
        _ => null,
    };

    /// <summary>
    /// True when the NUL bytes are the high halves of UTF-16 code units: in the first 4 KB, nearly every byte
    /// at odd offsets (little-endian) or at even offsets (big-endian) is NUL and almost none of the others.
    /// </summary>
    private static bool LooksLikeUtf16(ReadOnlySpan<byte> bytes)
    {
        var sample = bytes[..(Math.Min(bytes.Length, 4096) & ~1)];
        if (sample.Length < 4)
        {
            return false;
        }

        int evenNul = 0, oddNul = 0;
        for (var k = 0; k < sample.Length; k += 2)
        {
            evenNul += sample[k] == 0 ? 1 : 0;
            oddNul += sample[k + 1] == 0 ? 1 : 0;
        }

        var units = sample.Length / 2;
        return (oddNul * 10 >= units * 8 && evenNul * 20 <= units) || (evenNul * 10 >= units * 8 && oddNul * 20 <= units);
    }

    /// <summary>Offset of the first byte that is not valid UTF-8, or -1.</summary>
    public static int FindInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return -1;
        }

        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            Utf8.ToUtf16(bytes, chars, out var read, out _, replaceInvalidSequences: false);
            return read;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static bool TryDecodeUtf16(ReadOnlySpan<byte> bytes, out string text, out string? reason)
    {
        var bigEndian = bytes[0] == 0xFE;
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true);
        try
        {
            text = encoding.GetString(bytes[2..]);
            reason = null;
            return true;
        }
        catch (DecoderFallbackException ex)
        {
            text = "";
            reason = $"invalid UTF-16 at byte offset {ex.Index + 2}";
            return false;
        }
    }

    private static bool Check(string text, string what, out string? reason)
    {
        var controls = 0;
        var whitespaceOnly = true;
        foreach (var c in text)
        {
            if (c == '\0')
            {
                reason = "binary content: NUL character";
                return false;
            }

            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t' or '\f'))
            {
                controls++;
            }

            whitespaceOnly &= char.IsWhiteSpace(c) || c == '\uFEFF';
        }

        // Real text has the odd stray control character; a tenth of them means a binary or a wrong encoding.
        if (controls > 0 && controls * 10L > text.Length)
        {
            var percent = (controls * 100.0 / text.Length).ToString("0", CultureInfo.InvariantCulture);
            reason = $"binary content: {percent}% control characters";
            return false;
        }

        if (whitespaceOnly)
        {
            reason = $"{what} holds only whitespace";
            return false;
        }

        // Punctuation, numbers or symbols alone are no article; scoring them would store a meaningless score.
        reason = HasLetter(text) ? null : $"no words: the {what} holds no letters";
        return reason is null;
    }

    public static bool HasLetter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }
}
