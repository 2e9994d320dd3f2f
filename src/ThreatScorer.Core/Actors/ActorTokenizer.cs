namespace ThreatScorer.Core.Actors;

/// <summary>What a <see cref="ActorToken"/> is; only words carry names, the rest are kept so spans stay exact.</summary>
internal enum ActorTokenKind
{
    Word,
    Hyphen,
    Apostrophe,
    Period,
    Other,
}

/// <summary>A token of a text: a run of letters/digits or one punctuation character, with its offset in the text.</summary>
internal readonly record struct ActorToken(int Start, int Length, ActorTokenKind Kind)
{
    public int End => Start + Length;
}

/// <summary>
/// Splits text the same way for gazetteer aliases and for articles, so "al-Qaeda", "U.N." and "Taliban's" line up
/// token by token whatever the source wrote.
/// </summary>
internal static class ActorTokenizer
{
    public static List<ActorToken> Tokenize(string text, int start, int length)
    {
        var tokens = new List<ActorToken>();
        var end = start + length;
        var i = start;
        while (i < end)
        {
            var c = text[i];
            if (IsWordChar(c))
            {
                var s = i;
                while (i < end && IsWordChar(text[i]))
                {
                    i++;
                }

                tokens.Add(new ActorToken(s, i - s, ActorTokenKind.Word));
                continue;
            }

            if (!char.IsWhiteSpace(c))
            {
                tokens.Add(new ActorToken(i, 1, KindOf(c)));
            }

            i++;
        }

        return tokens;
    }

    public static List<ActorToken> Tokenize(string text) => Tokenize(text, 0, text.Length);

    public static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark;

    private static ActorTokenKind KindOf(char c) => c switch
    {
        // An en dash is a separator ("Tajikistan – a country"), not a joiner, so only true hyphens count.
        '-' or '\u2010' or '\u2011' => ActorTokenKind.Hyphen,
        '\'' or '\u2019' or '\u2018' or '\u02BC' => ActorTokenKind.Apostrophe,
        '.' => ActorTokenKind.Period,
        _ => ActorTokenKind.Other,
    };

    /// <summary>The case-folded key of a non-hyphen token; curly apostrophes fold to the straight one.</summary>
    public static string Key(string text, ActorToken token) => token.Kind switch
    {
        ActorTokenKind.Word => text.Substring(token.Start, token.Length).ToLowerInvariant(),
        ActorTokenKind.Apostrophe => "'",
        _ => text.Substring(token.Start, token.Length),
    };

    public static bool StartsUpper(ReadOnlySpan<char> word) => word.Length > 0 && char.IsUpper(word[0]);

    public static bool IsAllUpper(ReadOnlySpan<char> word)
    {
        var letters = 0;
        foreach (var c in word)
        {
            if (char.IsLower(c))
            {
                return false;
            }

            if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return letters > 0;
    }

    /// <summary>"Nato" style: first letter upper, the rest lower.</summary>
    public static bool IsTitle(ReadOnlySpan<char> word)
    {
        if (word.Length == 0 || !char.IsUpper(word[0]))
        {
            return false;
        }

        foreach (var c in word[1..])
        {
            if (char.IsUpper(c))
            {
                return false;
            }
        }

        return true;
    }
}
