using System.Globalization;
using System.Text;

namespace ThreatScorer.Core.Cleaning;

/// <summary>
/// Character-level normalisation shared by <see cref="TextCleaner"/> and the hash form: line breaks become
/// "\n", invisible and control characters go, every space character becomes ' ', curly quotes become ASCII,
/// hyphen look-alikes become '-', and letters with combining accents are composed (NFC for Latin, Greek and
/// Cyrillic, see <see cref="UnicodeComposition"/>). Line structure is kept; spacing is collapsed later per line.
/// </summary>
internal static class TextNormalizer
{
    // Windows-1252 bytes 0x80-0x9F as the characters a mis-decoder shows for them.
    private const string Cp1252High =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
        + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    public static string NormalizeCharacters(string text)
    {
        if (text.AsSpan().IndexOfAny('\u00C2', '\u00C3', '\u00E2') >= 0)
        {
            text = RepairMojibake(text);
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                switch (c)
                {
                    case '\r':
                        sb.Append('\n');
                        i += i + 1 < text.Length && text[i + 1] == '\n' ? 1 : 0;
                        break;
                    case '\n':
                        sb.Append('\n');
                        break;
                    case '\t' or '\v' or '\f':
                        sb.Append(' ');
                        break;
                    case < ' ' or '\u007F':
                        break;
                    default:
                        sb.Append(c);
                        break;
                }

                continue;
            }

            if (char.IsHighSurrogate(c))
            {
                // Pairs pass through; a lone surrogate is noise and would make Normalize throw.
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(c).Append(text[++i]);
                }

                continue;
            }

            AppendNonAscii(sb, c);
        }

        return sb.ToString();
    }

    private static void AppendNonAscii(StringBuilder sb, char c)
    {
        if (UnicodeComposition.MayCombine(c) && sb.Length > 0 && UnicodeComposition.TryCompose(sb[^1], c, out var composed))
        {
            sb[^1] = composed;
            return;
        }

        if (UnicodeComposition.MayBeSingleton(c))
        {
            c = UnicodeComposition.ReplaceSingleton(c);
        }

        switch (c)
        {
            case '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' or '\u2039' or '\u203A':
                sb.Append('\'');
                return;
            case '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB':
                sb.Append('"');
                return;
            case '\u2010' or '\u2011' or '\u2212':
                sb.Append('-');
                return;
            case '\u2015':
                sb.Append('\u2014');
                return;
            case '\u0085' or '\u2028':
                sb.Append('\n');
                return;
            case '\u2029':
                sb.Append("\n\n");
                return;
            case >= '\uFB00' and <= '\uFB06':
                sb.Append(Ligatures[c - '\uFB00']);
                return;
            case >= '\uFF01' and <= '\uFF5E':
                // Full-width ASCII ("ＵＳＡ") as plain ASCII: the same letters, just wider.
                sb.Append((char)(c - 0xFEE0));
                return;
            case '\uFFFD':
                return;
        }

        switch (CharUnicodeInfo.GetUnicodeCategory(c))
        {
            case UnicodeCategory.SpaceSeparator:
                sb.Append(' ');
                break;
            case UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.Surrogate:
                // Zero-width spaces and joiners, soft hyphens, bidi marks, BOMs, C1 controls: invisible noise
                // that splits words for every tokenizer downstream.
                break;
            default:
                sb.Append(c);
                break;
        }
    }

    private static readonly string[] Ligatures = ["ff", "fi", "fl", "ffi", "ffl", "st", "st"];

    /// <summary>
    /// Repairs UTF-8 text that was decoded as Windows-1252 ("â€™" for "’", "Ã©" for "é", "Â " for a
    /// no-break space): a 2- or 3-character run is re-encoded and decoded again when it forms exactly one
    /// valid UTF-8 sequence. Leads are limited to the ones common in English news so real text is safe.
    /// </summary>
    internal static string RepairMojibake(string text)
    {
        StringBuilder? sb = null;
        var copied = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var lead = text[i];
            if (lead is not ('\u00C2' or '\u00C3' or '\u00C5' or '\u00E2'))
            {
                continue;
            }

            var count = lead == '\u00E2' ? 2 : 1;
            if (i + count >= text.Length)
            {
                continue;
            }

            var codePoint = lead & (count == 2 ? 0x0F : 0x1F);
            var ok = true;
            for (var k = 1; k <= count && ok; k++)
            {
                ok = TryCp1252Byte(text[i + k], out var b) && b is >= 0x80 and <= 0xBF;
                codePoint = (codePoint << 6) | (b & 0x3F);
            }

            if (!ok || codePoint < (count == 2 ? 0x800 : 0x80) || codePoint is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            sb ??= new StringBuilder(text.Length);
            sb.Append(text, copied, i - copied).Append((char)codePoint);
            i += count;
            copied = i + 1;
        }

        return sb is null ? text : sb.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool TryCp1252Byte(char c, out int b)
    {
        if (c is >= '\u00A0' and <= '\u00FF')
        {
            b = c;
            return true;
        }

        b = Cp1252High.IndexOf(c, StringComparison.Ordinal);
        if (b >= 0)
        {
            b += 0x80;
            return true;
        }

        return false;
    }
}
