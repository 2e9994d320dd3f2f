using ThreatScorer.Core.Cleaning;

namespace ThreatScorer.Core.Actors;

/// <summary>
/// Finds actor mentions in cleaned article text: gazetteer names (longest match wins, no overlaps), titles and the
/// country in front of a person folded into the person's mention, and capitalised names the gazetteer lacks reported
/// as unlisted actors. Built once from a <see cref="Gazetteer"/>; immutable, so one instance serves all threads.
/// </summary>
/// <remarks>
/// Rules that stance analysis relies on:
/// <list type="bullet">
/// <item>"Russian President Vladimir Putin" is ONE Person mention (RUS.Putin, Country RUS); the "Russian" inside it is
/// not also emitted. The person is the actor; the country is implied through <see cref="ActorMention.Country"/>.
/// The same holds for unlisted names after a title: "Russian Deputy Foreign Minister Andrei Rudenko" is one unlisted
/// mention with Country "RUS".</item>
/// <item>Compounds and possessives are split at the hyphen/apostrophe: "Russia-led" → Russia, "Tajik-Afghan" →
/// Tajikistan and Afghanistan, "Taliban's"/"Taliban’s" → Taliban (the span excludes "'s").</item>
/// <item>Upper-case names of up to three letters (US, UN, EU, WHO) only match upper-case text, so "us" and "un-" never
/// match; four-letter and longer acronyms also match Title Case ("Nato"). "IS" is not an alias at all.</item>
/// <item>A gazetteer name directly after another capitalised word ("Hunter Biden", "Collective Security Council") is
/// taken as part of that longer, unknown name rather than as the listed actor.</item>
/// <item>Unlisted names are skipped in Title Case lines (headlines); a single capitalised word at the start of a
/// sentence counts only if the article also capitalises it mid-sentence; months, weekdays, titles, regions and common
/// words are never reported alone. A lone surname is linked to the full name used elsewhere in the article.</item>
/// </list>
/// </remarks>
public sealed class ActorRecognizer
{
    /// <summary>The id prefix of actors not in the gazetteer.</summary>
    public const string UnlistedPrefix = "UNLISTED:";

    private enum CaseRule : byte
    {
        Any,
        Capitalised,
        Upper,
        UpperOrTitle,
    }

    private readonly record struct AliasEntry(int Actor, CaseRule[] Rules);

    private readonly Actor[] _actors;
    private readonly Dictionary<string, int> _vocabulary = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<long, int> _edges = [];
    private readonly Dictionary<int, AliasEntry[]> _terminals = [];

    public ActorRecognizer(Gazetteer gazetteer)
    {
        ArgumentNullException.ThrowIfNull(gazetteer);
        _actors = [.. gazetteer.Actors];
        _lookup = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        var nodes = 1;
        for (var a = 0; a < _actors.Length; a++)
        {
            AddName(_actors[a].Name, a, ref nodes);
            foreach (var alias in _actors[a].Aliases)
            {
                AddName(alias, a, ref nodes);
            }
        }
    }

    /// <summary>Number of distinct names the recogniser matches.</summary>
    public int NameCount { get; private set; }

    private void AddName(string name, int actor, ref int nodes)
    {
        var tokens = ActorTokenizer.Tokenize(name).Where(t => t.Kind != ActorTokenKind.Hyphen).ToList();
        if (tokens.Count == 0)
        {
            return;
        }

        var node = 0;
        var rules = new CaseRule[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            var key = ActorTokenizer.Key(name, tokens[i]);
            if (!_vocabulary.TryGetValue(key, out var id))
            {
                id = _vocabulary.Count;
                _vocabulary[key] = id;
            }

            var edge = ((long)node << 32) | (uint)id;
            if (!_edges.TryGetValue(edge, out var child))
            {
                child = nodes++;
                _edges[edge] = child;
            }

            node = child;
            rules[i] = RuleOf(name.AsSpan(tokens[i].Start, tokens[i].Length), tokens[i].Kind);
        }

        var entry = new AliasEntry(actor, rules);
        if (!_terminals.TryGetValue(node, out var entries))
        {
            _terminals[node] = [entry];
            NameCount++;
        }
        else if (!entries.Any(e => e.Rules.AsSpan().SequenceEqual(rules)))
        {
            // The same words with other case rules (rare): both are kept, the first added is tried first.
            _terminals[node] = [.. entries, entry];
        }
    }

    private static CaseRule RuleOf(ReadOnlySpan<char> word, ActorTokenKind kind)
    {
        if (kind != ActorTokenKind.Word || char.IsDigit(word[0]) || char.IsLower(word[0]))
        {
            return CaseRule.Any;
        }

        if (ActorTokenizer.IsAllUpper(word))
        {
            return word.Length <= 3 ? CaseRule.Upper : CaseRule.UpperOrTitle;
        }

        return CaseRule.Capitalised;
    }

    private static bool Satisfies(CaseRule rule, ReadOnlySpan<char> text) => rule switch
    {
        CaseRule.Capitalised => char.IsUpper(text[0]) || char.IsDigit(text[0]),
        CaseRule.Upper => ActorTokenizer.IsAllUpper(text),
        CaseRule.UpperOrTitle => ActorTokenizer.IsAllUpper(text) || ActorTokenizer.IsTitle(text),
        _ => true,
    };

    /// <summary>A mention being assembled; token indexes are into the sentence's token list.</summary>
    private sealed class Draft
    {
        public int Actor { get; init; } = -1;

        public int First { get; set; }

        public int Last { get; init; }

        public string? UnlistedName { get; set; }

        public string? Country { get; set; }

        public bool Removed { get; set; }

        public int NameFirst { get; init; }
    }

    /// <summary>
    /// Returns the actor mentions of <paramref name="text"/>, ordered by position, never overlapping; offsets index
    /// <paramref name="text"/> and each mention carries the <see cref="Sentence.Index"/> of its sentence.
    /// </summary>
    public IReadOnlyList<ActorMention> Recognize(string text, IReadOnlyList<Sentence> sentences)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sentences);
        var tokenised = new List<(Sentence Sentence, List<ActorToken> Tokens, bool TitleCase)>(sentences.Count);
        var capitalisedMidSentence = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
        {
            if (sentence.Start < 0 || sentence.Length < 0 || sentence.Start + sentence.Length > text.Length)
            {
                throw new ArgumentException($"Sentence {sentence.Index} lies outside the text.", nameof(sentences));
            }

            var tokens = ActorTokenizer.Tokenize(text, sentence.Start, sentence.Length);
            var titleCase = IsTitleCase(text, tokens, sentence.IsTitle);
            tokenised.Add((sentence, tokens, titleCase));
            if (titleCase)
            {
                continue;
            }

            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i].Kind == ActorTokenKind.Word && !IsInitial(text, tokens, i)
                    && char.IsUpper(text[tokens[i].Start]))
                {
                    capitalisedMidSentence.Add(ActorTokenizer.Key(text, tokens[i]));
                }
            }
        }

        var results = new List<(ActorMention Mention, int Words, string LastWord)>();
        foreach (var (sentence, tokens, titleCase) in tokenised)
        {
            var drafts = MatchGazetteer(text, tokens, titleCase);
            AbsorbTitles(text, tokens, drafts);
            if (!titleCase)
            {
                FindUnlisted(text, tokens, drafts, capitalisedMidSentence, sentence.IsTitle);
            }

            foreach (var d in drafts.Where(d => !d.Removed).OrderBy(d => d.First))
            {
                var start = tokens[d.First].Start;
                var length = tokens[d.Last].End - start;
                var span = text.Substring(start, length);
                var nameWords = CountWords(tokens, d.NameFirst, d.Last);
                var lastWord = ActorTokenizer.Key(text, tokens[d.Last]);
                if (d.Actor >= 0)
                {
                    var actor = _actors[d.Actor];
                    var country = actor.Type == ActorType.State ? actor.Id : actor.Country;
                    results.Add((new ActorMention(actor.Id, actor.Name, actor.Type, country, sentence.Index, start, length, span, true), nameWords, lastWord));
                }
                else
                {
                    var name = d.UnlistedName!;
                    var mention = new ActorMention(UnlistedPrefix + GazetteerBuilder.Slug(name), name, ActorType.Unknown, d.Country, sentence.Index, start, length, span, false);
                    results.Add((mention, nameWords, lastWord));
                }
            }
        }

        return LinkSurnames(results);
    }

    /// <summary>
    /// A lone unlisted word that is the last word of a longer person or unlisted name in the same article
    /// ("Rudenko" after "Andrei Rudenko") is the same actor.
    /// </summary>
    private static List<ActorMention> LinkSurnames(List<(ActorMention Mention, int Words, string LastWord)> results)
    {
        var full = new Dictionary<string, ActorMention?>(StringComparer.Ordinal);
        foreach (var (mention, words, lastWord) in results)
        {
            if (words >= 2 && (mention.Type == ActorType.Person || !mention.IsListed))
            {
                // Two different people with the same surname: ambiguous, link neither.
                full[lastWord] = full.TryGetValue(lastWord, out var seen) && seen is not null && seen.ActorId != mention.ActorId
                    ? null
                    : mention;
            }
        }

        var linked = new List<ActorMention>(results.Count);
        foreach (var (mention, words, lastWord) in results)
        {
            if (!mention.IsListed && words == 1 && full.TryGetValue(lastWord, out var target) && target is not null)
            {
                linked.Add(mention with
                {
                    ActorId = target.ActorId,
                    ActorName = target.ActorName,
                    Type = target.Type,
                    Country = mention.Country ?? target.Country,
                    IsListed = target.IsListed,
                });
            }
            else
            {
                linked.Add(mention);
            }
        }

        return linked;
    }

    private static int CountWords(List<ActorToken> tokens, int first, int last)
    {
        var n = 0;
        for (var i = first; i <= last; i++)
        {
            if (tokens[i].Kind == ActorTokenKind.Word)
            {
                n++;
            }
        }

        return n;
    }

    private List<Draft> MatchGazetteer(string text, List<ActorToken> tokens, bool titleCase)
    {
        var drafts = new List<Draft>();
        var seq = new List<int>(tokens.Count);
        var ids = new int[tokens.Count];
        Span<char> buffer = stackalloc char[64];
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == ActorTokenKind.Hyphen)
            {
                continue;
            }

            seq.Add(i);
            scoped ReadOnlySpan<char> key = t.Kind == ActorTokenKind.Apostrophe ? "'" : text.AsSpan(t.Start, t.Length);
            if (t.Kind == ActorTokenKind.Word)
            {
                if (key.Length > buffer.Length)
                {
                    ids[i] = -1;
                    continue;
                }

                var n = key.ToLowerInvariant(buffer);
                key = buffer[..n];
            }

            ids[i] = _lookup.TryGetValue(key, out var id) ? id : -1;
        }

        var covered = new bool[tokens.Count];
        var p = 0;
        while (p < seq.Count)
        {
            var (length, actor) = LongestMatch(text, tokens, seq, ids, p);
            if (length > 0 && !(!titleCase && FollowsUnknownName(text, tokens, seq[p], covered)))
            {
                var first = seq[p];
                var last = seq[p + length - 1];
                drafts.Add(new Draft { Actor = actor, First = first, Last = last, NameFirst = first });
                for (var i = first; i <= last; i++)
                {
                    covered[i] = true;
                }

                p += length;
            }
            else
            {
                p++;
            }
        }

        return drafts;
    }

    private (int Length, int Actor) LongestMatch(string text, List<ActorToken> tokens, List<int> seq, int[] ids, int p)
    {
        var best = (0, -1);
        var node = 0;
        for (var k = p; k < seq.Count; k++)
        {
            var id = ids[seq[k]];
            if (id < 0 || !_edges.TryGetValue(((long)node << 32) | (uint)id, out node))
            {
                break;
            }

            if (_terminals.TryGetValue(node, out var entries))
            {
                foreach (var entry in entries)
                {
                    if (CaseMatches(text, tokens, seq, p, entry.Rules))
                    {
                        best = (k - p + 1, entry.Actor);
                        break;
                    }
                }
            }
        }

        return best;
    }

    private static bool CaseMatches(string text, List<ActorToken> tokens, List<int> seq, int p, CaseRule[] rules)
    {
        for (var j = 0; j < rules.Length; j++)
        {
            var t = tokens[seq[p + j]];
            if (!Satisfies(rules[j], text.AsSpan(t.Start, t.Length)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the token before <paramref name="first"/> is a capitalised, unlisted, non-title word.</summary>
    private static bool FollowsUnknownName(string text, List<ActorToken> tokens, int first, bool[] covered)
    {
        var prev = first - 1;
        if (prev < 0 || covered[prev] || tokens[prev].Kind != ActorTokenKind.Word || IsInitial(text, tokens, prev)
            || tokens[prev].End == tokens[first].Start)
        {
            return false;
        }

        var word = text.AsSpan(tokens[prev].Start, tokens[prev].Length);
        if (!char.IsUpper(word[0]) || word.Length < 2)
        {
            return false;
        }

        var key = ActorTokenizer.Key(text, tokens[prev]);
        return !NameWords.IsStop(key) && !NameWords.Connectors.Contains(key);
    }

    /// <summary>
    /// Folds the titles before a person ("Deputy Foreign Minister") and a state right before them ("Russian") into
    /// the person's mention.
    /// </summary>
    private void AbsorbTitles(string text, List<ActorToken> tokens, List<Draft> drafts)
    {
        foreach (var d in drafts.Where(d => d.Actor >= 0 && _actors[d.Actor].Type == ActorType.Person).ToList())
        {
            var titleStart = TitleStart(text, tokens, d.First);
            if (titleStart == d.First)
            {
                continue;
            }

            d.First = titleStart;
            AbsorbState(tokens, drafts, d, _actors[d.Actor].Country);
        }
    }

    /// <summary>Absorbs a state mention that ends right before the draft's title; returns its id or null.</summary>
    private string? AbsorbState(List<ActorToken> tokens, List<Draft> drafts, Draft d, string? personCountry)
    {
        var state = drafts.FirstOrDefault(s => !s.Removed && s.Actor >= 0 && _actors[s.Actor].Type == ActorType.State
            && (s.Last == d.First - 1 || IsPossessiveGap(tokens, s.Last, d.First)));
        if (state is null || (personCountry is not null && personCountry != _actors[state.Actor].Id))
        {
            return null;
        }

        state.Removed = true;
        d.First = state.First;
        return _actors[state.Actor].Id;
    }

    private static bool IsPossessiveGap(List<ActorToken> tokens, int last, int first) =>
        first - last == 3 && tokens[last + 1].Kind == ActorTokenKind.Apostrophe && tokens[last + 1].Start == tokens[last].End;

    /// <summary>Index of the first title word in the run of capitalised titles ending right before <paramref name="first"/>.</summary>
    private static int TitleStart(string text, List<ActorToken> tokens, int first)
    {
        var start = first;
        var i = first - 1;
        while (i >= 0)
        {
            var t = tokens[i];
            if (t.Kind == ActorTokenKind.Word && char.IsUpper(text[t.Start]) && NameWords.Titles.Contains(ActorTokenizer.Key(text, t)))
            {
                start = i;
                i--;
            }
            else if ((t.Kind == ActorTokenKind.Period || t.Kind == ActorTokenKind.Hyphen) && i > 0
                && tokens[i - 1].Kind == ActorTokenKind.Word && NameWords.Titles.Contains(ActorTokenizer.Key(text, tokens[i - 1])))
            {
                i--;
            }
            else
            {
                break;
            }
        }

        return start;
    }

    private void FindUnlisted(string text, List<ActorToken> tokens, List<Draft> drafts, HashSet<string> knownNames, bool isTitle)
    {
        var covered = new bool[tokens.Count];
        foreach (var d in drafts.Where(d => !d.Removed))
        {
            for (var i = d.First; i <= d.Last; i++)
            {
                covered[i] = true;
            }
        }

        var added = new List<Draft>();
        var i0 = 0;
        while (i0 < tokens.Count)
        {
            if (covered[i0] || !IsNameWord(text, tokens[i0]))
            {
                i0++;
                continue;
            }

            // A run of capitalised words, joined by connectors, hyphens ("Harb-Maidon") or apostrophes ("O'Neill").
            var end = i0;
            var j = i0 + 1;
            while (j < tokens.Count && !covered[j])
            {
                var t = tokens[j];
                if (IsNameWord(text, t))
                {
                    end = j;
                    j++;
                }
                else if (((t.Kind is ActorTokenKind.Hyphen or ActorTokenKind.Apostrophe && t.Start == tokens[j - 1].End)
                    || (t.Kind == ActorTokenKind.Period && tokens[j - 1].Length == 1)
                    || (t.Kind == ActorTokenKind.Word && NameWords.Connectors.Contains(ActorTokenizer.Key(text, t))))
                    && j + 1 < tokens.Count && !covered[j + 1])
                {
                    j++;
                }
                else
                {
                    break;
                }
            }

            var next = Math.Max(end + 1, i0 + 1);
            var nameFirst = i0;
            while (nameFirst <= end && (!IsNameWord(text, tokens[nameFirst]) || NameWords.IsStop(ActorTokenizer.Key(text, tokens[nameFirst]))))
            {
                nameFirst++;
            }

            if (nameFirst > end || !Acceptable(text, tokens, nameFirst, end, knownNames, isTitle))
            {
                i0 = next;
                continue;
            }

            var draft = new Draft { First = nameFirst, Last = end, NameFirst = nameFirst };
            draft.UnlistedName = text[tokens[nameFirst].Start..tokens[end].End];
            var titleStart = TitleStart(text, tokens, nameFirst);
            if (titleStart < nameFirst)
            {
                draft.First = titleStart;
                draft.Country = AbsorbState(tokens, drafts, draft, null);
            }
            else if (nameFirst == i0 && i0 > 0 && drafts.FirstOrDefault(s => !s.Removed && s.Actor >= 0
                && _actors[s.Actor].Type == ActorType.State && s.Last == i0 - 1) is { } state
                && tokens[i0 - 1].End < tokens[i0].Start)
            {
                // "India Narrative", "American Airlines": a state name opening a longer unknown name.
                state.Removed = true;
                draft.First = state.First;
                draft.UnlistedName = text[tokens[state.First].Start..tokens[end].End];
                draft = new Draft { First = state.First, Last = end, NameFirst = state.First, UnlistedName = draft.UnlistedName };
            }

            added.Add(draft);
            i0 = next;
        }

        drafts.AddRange(added);
    }

    private static bool Acceptable(string text, List<ActorToken> tokens, int first, int last, HashSet<string> knownNames, bool isTitle)
    {
        var words = 0;
        for (var i = first; i <= last; i++)
        {
            if (tokens[i].Kind == ActorTokenKind.Word && char.IsUpper(text[tokens[i].Start]))
            {
                words++;
            }
        }

        if (words > 1)
        {
            return true;
        }

        var word = text.AsSpan(tokens[first].Start, tokens[first].Length);
        if (isTitle || word.Length < 2 || (word.Length <= 2 && ActorTokenizer.IsAllUpper(word)))
        {
            return false;
        }

        return !IsInitial(text, tokens, first) || knownNames.Contains(ActorTokenizer.Key(text, tokens[first]));
    }

    private static bool IsNameWord(string text, ActorToken t) =>
        t.Kind == ActorTokenKind.Word && char.IsUpper(text[t.Start]);

    /// <summary>True at a sentence start or right after an opening quote, bracket, colon or dash.</summary>
    private static bool IsInitial(string text, List<ActorToken> tokens, int i)
    {
        if (i == 0)
        {
            return true;
        }

        var prev = tokens[i - 1];
        if (prev.Kind == ActorTokenKind.Apostrophe)
        {
            return prev.End < tokens[i].Start || prev.Start == 0 || char.IsWhiteSpace(text[prev.Start - 1]);
        }

        return prev.Kind is ActorTokenKind.Other or ActorTokenKind.Period
            && text[prev.Start] is '"' or '\u201C' or '\u201D' or '(' or '[' or ':' or '\u2013' or '\u2014' or '\u2026'
                or '\u2022' or '|' or '.' or '!' or '?' or ';' or '\u00AB';
    }

    /// <summary>A headline-like line: three or more content words, three quarters of them capitalised.</summary>
    private static bool IsTitleCase(string text, List<ActorToken> tokens, bool isTitle)
    {
        var content = 0;
        var capitalised = 0;
        var upper = 0;
        var words = 0;
        foreach (var t in tokens)
        {
            if (t.Kind != ActorTokenKind.Word || t.Length < 2 || !char.IsLetter(text[t.Start]))
            {
                continue;
            }

            words++;
            if (ActorTokenizer.IsAllUpper(text.AsSpan(t.Start, t.Length)))
            {
                upper++;
            }

            var key = ActorTokenizer.Key(text, t);
            if (NameWords.Connectors.Contains(key) || (key.Length <= 4 && NameWords.Common.Contains(key)))
            {
                continue;
            }

            content++;
            if (char.IsUpper(text[t.Start]))
            {
                capitalised++;
            }
        }

        // A long sentence full of names ("attended by Rahmon, Russian President Vladimir Putin, ...") still has
        // several lower-case words; a headline has at most two.
        // An all-capitals line ("PROMISE KEPT") is a heading too.
        if (words >= 2 && upper == words)
        {
            return true;
        }

        return content >= 3 && content - capitalised <= 2 && capitalised * 4 >= content * (isTitle ? 2 : 3);
    }
}
