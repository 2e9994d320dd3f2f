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
                reason = $"binary content: NUL byte at byte offset {nul + bomLength}";
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

        reason = whitespaceOnly ? $"{what} holds only whitespace" : null;
        return reason is null;
    }
}
