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

        if (IsUtf16Bom(bytes))
        {
            if (!TryDecodeUtf16(bytes, out text, out reason))
            {
                return false;
            }
        }
        else
        {
            reason = WhyNotUtf8Text(bytes);
            if (reason is not null)
            {
                return false;
            }

            var bomLength = bytes.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
            var body = bytes[bomLength..];
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

    /// <summary>The UTF-8 byte-order mark, which UTF-8 inputs may start with.</summary>
    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Why the head of an input (its first bytes, or all of them) is not UTF-8 text: a binary format's signature,
    /// a UTF-32 or UTF-16 byte-order mark, or NUL bytes (named as UTF-16 without a byte-order mark when they fall
    /// where UTF-16 puts them); null when it may be UTF-8. Invalid UTF-8 sequences are left to the caller, which
    /// knows where its lines end. Whole files read UTF-16 with a byte-order mark and decode it before asking;
    /// JSONL is UTF-8 only. The one place every format's encoding sniffing lives, so all name a file alike.
    /// With <paramref name="nulIsPerLine"/> (JSONL), NUL bytes that are not UTF-16's are left to the line they are
    /// in: one bad line must not cost the good ones around it.
    /// </summary>
    public static string? WhyNotUtf8Text(ReadOnlySpan<byte> head, bool nulIsPerLine = false)
    {
        if (BinaryFormat(head) is { } format)
        {
            return $"binary content: {format}, not text";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return "UTF-32 text is not supported; save it as UTF-8";
        }

        if (IsUtf16Bom(head))
        {
            return "UTF-16 text is not supported in JSONL; save it as UTF-8";
        }

        var bomLength = head.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var body = head[bomLength..];
        var nul = body.IndexOf((byte)0);
        if (nul < 0)
        {
            return null;
        }

        if (LooksLikeUtf16(body))
        {
            return "UTF-16 text without a byte-order mark is not supported; save it as UTF-8";
        }

        return nulIsPerLine ? null : $"binary content: NUL byte at byte offset {nul + bomLength}";
    }

    /// <summary>A UTF-16 byte-order mark (either order) that is not the start of a UTF-32 little-endian one.</summary>
    private static bool IsUtf16Bom(ReadOnlySpan<byte> bytes) =>
        (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) && !bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);

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

        // Punctuation or numbers alone pass here: LanguageCheck rejects a text without letters in every format.
        reason = null;
        return true;
    }
}
