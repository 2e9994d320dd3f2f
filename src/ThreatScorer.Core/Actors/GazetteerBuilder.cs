using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ThreatScorer.Core.Actors;

/// <summary>
/// Builds the actor gazetteer from the PETRARCH2 Phoenix dictionaries (TABARI format, MIT licence) and the
/// team-written supplement (actors-supplement.tsv). The supplement wins wherever the two disagree.
/// </summary>
public static partial class GazetteerBuilder
{
    /// <summary>PETRARCH dictionaries read, in priority order.</summary>
    public static readonly IReadOnlyList<string> PetrarchFiles =
        ["Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt"];

    /// <summary>
    /// Roles that ended before this date (yyyymmdd) are history: such entries are dropped. The dictionaries were
    /// last revised in 2014, so an open role is the best "current" signal they have.
    /// </summary>
    private const int CurrentSince = 20120101;

    private const string PetrarchLicence =
        "MIT, Copyright (c) 2014 Open Event Data Alliance; see LICENSE-petrarch2.txt";

    /// <summary>Builds the gazetteer, saves it to <paramref name="outputPath"/> and returns its size summary.</summary>
    public static GazetteerSummary BuildFile(string petrarchDir, string supplementPath, string outputPath)
    {
        var gazetteer = Build(petrarchDir, supplementPath);
        gazetteer.Save(outputPath);
        return gazetteer.Summarise(new FileInfo(outputPath).Length);
    }

    /// <summary>Builds the gazetteer in memory. Throws naming the file when an input is missing or malformed.</summary>
    public static Gazetteer Build(string petrarchDir, string supplementPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(petrarchDir);
        ArgumentException.ThrowIfNullOrEmpty(supplementPath);
        var sources = new List<GazetteerSource>();
        var supplement = ActorSupplement.Read(supplementPath);
        var blocks = new List<TabariBlock>();
        foreach (var file in PetrarchFiles)
        {
            var path = Path.Combine(petrarchDir, file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"PETRARCH dictionary not found at '{Path.GetFullPath(path)}'.", path);
            }

            blocks.AddRange(TabariBlock.Read(path, file));
            sources.Add(new GazetteerSource("PETRARCH2 Phoenix actor dictionary", file, Sha256(path), PetrarchLicence));
        }

        sources.Add(new GazetteerSource(
            "ThreatScorer actor supplement (team-written facts)",
            Path.GetFileName(supplementPath),
            Sha256(supplementPath),
            "ThreatScorer project"));

        var draft = new Draft(supplement);
        draft.AddPetrarch(blocks);
        return new Gazetteer(draft.Finish(), sources);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Upper-case id part: letters and digits kept, everything else one '_'.</summary>
    internal static string Slug(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToUpperInvariant(c));
            }
            else if (sb.Length > 0 && sb[^1] != '_')
            {
                sb.Append('_');
            }
        }

        return sb.ToString().TrimEnd('_');
    }

    /// <summary>The matching key of a name: case-folded tokens, hyphens dropped ("al-Qaeda" == "Al Qaeda").</summary>
    internal static string Key(string name)
    {
        var tokens = ActorTokenizer.Tokenize(name);
        return string.Join(' ', tokens.Where(t => t.Kind != ActorTokenKind.Hyphen).Select(t => ActorTokenizer.Key(name, t)));
    }

    /// <summary>The id prefix of an actor type (states use their bare country code).</summary>
    internal static string Prefix(ActorType type) => type switch
    {
        ActorType.Igo => "IGO.",
        ActorType.ArmedGroup => "GRP.",
        ActorType.Person => "PER.",
        _ => "ORG.",
    };

    /// <summary>Accumulates actors: supplement rows first, then PETRARCH blocks merged into them or added.</summary>
    private sealed class Draft
    {
        private readonly List<DraftActor> _actors = [];
        private readonly Dictionary<string, DraftActor> _byId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, DraftActor> _supplementPersons = new(StringComparer.Ordinal);
        private readonly Dictionary<string, DraftActor> _supplementOthers = new(StringComparer.Ordinal);

        public Draft(IReadOnlyList<Actor> supplement)
        {
            foreach (var row in supplement)
            {
                var actor = new DraftActor(row.Id, row.Name, row.Type, row.Country, fromSupplement: true);
                actor.AddName(row.Name, declared: true);
                foreach (var alias in row.Aliases)
                {
                    actor.AddName(alias, declared: true);
                }

                Add(actor);
                var index = row.Type == ActorType.Person ? _supplementPersons : _supplementOthers;
                foreach (var key in actor.Keys)
                {
                    index.TryAdd(key, actor);
                }
            }
        }

        public void AddPetrarch(List<TabariBlock> blocks)
        {
            var classified = blocks.Select(Classify).Where(c => c is not null).Select(c => c!.Value).ToList();

            // Place aliases like "Vladimir" (RUS), "Charlotte" or "Austin" (USA) are first names too: a single-word
            // PETRARCH alias that starts two or more PETRARCH person names is dropped from non-person actors.
            var firstNames = classified.Where(c => c.Type == ActorType.Person)
                .SelectMany(c => c.Block.Names.Take(1))
                .Select(n => Key(Display(n, person: true)).Split(' ')[0])
                .GroupBy(k => k, StringComparer.Ordinal)
                .Where(g => g.Count() >= 2)
                .Select(g => g.Key)
                .ToHashSet(StringComparer.Ordinal);
            var states = classified.Where(c => c.Type == ActorType.State).Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
            foreach (var row in _actors.Where(a => a.Type == ActorType.State))
            {
                states.Add(row.Id);
            }

            // IGO codes are specific (IGOUNO, IGOWSTNAT): every block with the code joins the actor that the first
            // name-matched block went to, so "UN mission" and "the UN" are one actor.
            var igoGroups = new Dictionary<string, DraftActor>(StringComparer.Ordinal);
            foreach (var c in classified.Where(c => c.Type == ActorType.Igo && c.Code.Length > 3))
            {
                if (!igoGroups.ContainsKey(c.Code) && FindSupplement(c) is { } match)
                {
                    igoGroups[c.Code] = match;
                }
            }

            foreach (var c in classified)
            {
                var country = c.Code.Length >= 3 && states.Contains(c.Code[..3]) ? c.Code[..3] : null;
                DraftActor? target;
                if (c.Type == ActorType.State)
                {
                    target = _byId.GetValueOrDefault(c.Code);
                    if (target is null)
                    {
                        target = new DraftActor(c.Code, Display(c.Block.Names[0], person: false), ActorType.State, c.Code, false);
                        Add(target);
                    }
                }
                else
                {
                    target = FindSupplement(c);
                    if (target is null && c.Type == ActorType.Igo && c.Code.Length > 3)
                    {
                        target = igoGroups.GetValueOrDefault(c.Code);
                    }

                    if (target is null)
                    {
                        var name = Display(c.Block.Names[0], c.Type == ActorType.Person);
                        var id = Prefix(c.Type) + Slug(name);
                        target = _byId.GetValueOrDefault(id);
                        if (target is not null && (target.Type != c.Type || target.Country != country || target.FromSupplement))
                        {
                            id = $"{id}.{country ?? c.Code}";
                            target = _byId.GetValueOrDefault(id);
                        }

                        if (target is null)
                        {
                            target = new DraftActor(id, name, c.Type, country, false);
                            Add(target);
                        }

                        if (c.Type == ActorType.Igo && c.Code.Length > 3)
                        {
                            igoGroups.TryAdd(c.Code, target);
                        }
                    }
                }

                foreach (var name in c.Block.Names)
                {
                    var display = Display(name, c.Type == ActorType.Person);
                    if (c.Type == ActorType.Person || !firstNames.Contains(Key(display)))
                    {
                        target.AddName(display, declared: false);
                    }
                }
            }
        }

        private DraftActor? FindSupplement(Classified c)
        {
            var index = c.Type == ActorType.Person ? _supplementPersons : _supplementOthers;
            foreach (var name in c.Block.Names)
            {
                if (index.TryGetValue(Key(Display(name, c.Type == ActorType.Person)), out var actor))
                {
                    return actor;
                }
            }

            // Some PETRARCH "government" blocks are really one person ("BARACK_OBAMA [USAGOV]" with no CountryInfo
            // tag): a primary name that is a supplement person joins that person.
            return c.Type != ActorType.Person
                && _supplementPersons.TryGetValue(Key(Display(c.Block.Names[0], person: true)), out var person)
                ? person
                : null;
        }

        private void Add(DraftActor actor)
        {
            if (!_byId.TryAdd(actor.Id, actor))
            {
                throw new InvalidDataException($"Duplicate actor id '{actor.Id}' while building the gazetteer.");
            }

            _actors.Add(actor);
        }

        /// <summary>
        /// Orders actors (supplement, then states, IGOs, armed groups, organisations, persons) and gives each name
        /// to the first actor that claims it, so the recogniser never sees one name for two actors.
        /// </summary>
        public List<Actor> Finish()
        {
            static int Rank(DraftActor a) => (a.FromSupplement ? 0 : 10) + a.Type switch
            {
                ActorType.State => 0,
                ActorType.Igo => 1,
                ActorType.ArmedGroup => 2,
                ActorType.Organisation => 3,
                _ => 4,
            };

            var ordered = _actors.Select((a, i) => (a, i)).OrderBy(p => Rank(p.a)).ThenBy(p => p.i).Select(p => p.a).ToList();
            var owner = new Dictionary<string, DraftActor>(StringComparer.Ordinal);

            // Declared supplement names are claimed first, so a PETRARCH alias never steals one.
            foreach (var actor in ordered.Where(a => a.FromSupplement))
            {
                foreach (var (key, _, declared) in actor.Names.Where(n => n.Declared))
                {
                    owner.TryAdd(key, actor);
                }
            }

            var result = new List<Actor>(ordered.Count);
            foreach (var actor in ordered)
            {
                var aliases = new List<string>();
                var nameKey = Key(actor.Name);
                var keepsName = false;
                foreach (var (key, surface, _) in actor.Names)
                {
                    if (owner.TryAdd(key, actor) || owner[key] == actor)
                    {
                        if (key == nameKey)
                        {
                            keepsName = true;
                        }
                        else
                        {
                            aliases.Add(surface);
                        }
                    }
                }

                if (keepsName || aliases.Count > 0 || actor.FromSupplement)
                {
                    result.Add(new Actor(actor.Id, actor.Name, actor.Type, actor.Country, aliases));
                }
            }

            return result;
        }
    }

    private sealed class DraftActor(string id, string name, ActorType type, string? country, bool fromSupplement)
    {
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

        public string Id { get; } = id;

        public string Name { get; } = name;

        public ActorType Type { get; } = type;

        public string? Country { get; } = country;

        public bool FromSupplement { get; } = fromSupplement;

        public List<(string Key, string Surface, bool Declared)> Names { get; } = [];

        public IEnumerable<string> Keys => _keys;

        public void AddName(string surface, bool declared)
        {
            if (!IsUsableName(surface, declared))
            {
                return;
            }

            var key = Key(surface);
            if (key.Length > 0 && _keys.Add(key))
            {
                Names.Add((key, surface, declared));
            }
        }
    }

    /// <summary>
    /// Rejects names that would match ordinary words: single letters, "IS"/"IT"-style two-letter words, and single
    /// words from the common-word, title and region lists (unless written as an upper-case acronym, like "US").
    /// </summary>
    private static bool IsUsableName(string surface, bool declared)
    {
        var tokens = ActorTokenizer.Tokenize(surface);
        var words = tokens.Where(t => t.Kind == ActorTokenKind.Word).ToList();
        if (words.Count == 0)
        {
            return false;
        }

        if (words.Count > 1 || tokens.Count > 1)
        {
            return true;
        }

        var word = surface.AsSpan(words[0].Start, words[0].Length);
        var key = word.ToString().ToLowerInvariant();
        if (word.Length < 2 || BlockedWords.Contains(key) || key.All(char.IsDigit))
        {
            return false;
        }

        var acronym = word.Length <= 3 && ActorTokenizer.IsAllUpper(word);
        return acronym || (!NameWords.IsStop(key) && (declared || !NameWords.Connectors.Contains(key)));
    }

    /// <summary>Two-letter words, and English words found as single-word PETRARCH aliases ("Country" for Georgia).</summary>
    private static readonly HashSet<string> BlockedWords = new(
        ["is", "it", "in", "on", "at", "or", "an", "as", "be", "by", "do", "go", "he", "if", "me", "my", "no", "of",
         "ok", "so", "to", "up", "we", "am", "pm", "hi", "oh", "ah", "id", "tv",
         "country", "nation", "foundation", "youth", "olive", "lightning", "falcon", "paradise", "occupied", "tigers",
         "machete", "moron", "mavericks", "avengers", "inevitables", "boogeymen", "extraditables", "natal", "hippo",
         "insula", "sinic", "sinica", "sinitic", "thule", "tivoli", "moonland", "sheepland", "hope", "murray", "soledad",
         "sodom", "gomorrah", "gomorrha", "yahweh", "olympus", "riviera", "lascar", "rahat", "kemet", "cornerstone",
         "epa", "senate", "potus", "scotus", "secdef", "contras", "provos", "unita", "basij", "hisba", "nords", "aleph"],
        StringComparer.Ordinal);

    /// <summary>
    /// Turns a PETRARCH upper-case name into how it is written ("TALIBAN" → "Taliban", "UN_SECURITY_COUNCIL" →
    /// "UN Security Council"). Short single-word names stay upper-case so they keep acronym matching rules.
    /// </summary>
    internal static string Display(string raw, bool person)
    {
        var text = raw.Replace('_', ' ').Trim();
        var tokens = ActorTokenizer.Tokenize(text);
        var words = tokens.Count(t => t.Kind == ActorTokenKind.Word);
        var sb = new StringBuilder(text.Length);
        var last = 0;
        foreach (var token in tokens)
        {
            sb.Append(text, last, token.Start - last);
            var word = text.Substring(token.Start, token.Length);
            if (token.Kind != ActorTokenKind.Word || word.Any(char.IsLower))
            {
                sb.Append(word);
            }
            else
            {
                var lower = word.ToLowerInvariant();
                var keepUpper = !person && ((words == 1 && word.Length <= 4)
                    || (words > 1 && word.Length <= 2 && !NameWords.Connectors.Contains(lower) && !word.Any(IsVowel))
                    || (words > 1 && ShortAcronyms.Contains(word)));
                if (keepUpper || word.Length == 1)
                {
                    sb.Append(word);
                }
                else if (NameWords.Connectors.Contains(lower) && sb.Length > 0)
                {
                    sb.Append(lower);
                }
                else
                {
                    sb.Append(char.ToUpperInvariant(lower[0])).Append(lower, 1, lower.Length - 1);
                }
            }

            last = token.End;
        }

        return sb.ToString();
    }

    private static bool IsVowel(char c) => c is 'A' or 'E' or 'I' or 'O' or 'U' or 'Y';

    private static readonly HashSet<string> ShortAcronyms = new(["UN", "US", "EU", "UK", "AU", "UAE", "USA", "NATO"], StringComparer.Ordinal);

    private readonly record struct Classified(TabariBlock Block, string Code, ActorType Type);

    /// <summary>Decides what a PETRARCH block is from its file, its current code and its comments; null to drop.</summary>
    private static Classified? Classify(TabariBlock block)
    {
        var person = block.File.StartsWith("Phoenix.Countries", StringComparison.Ordinal)
            && block.Comments.Any(c => c.Contains("CountryInfo", StringComparison.Ordinal));
        if (block.File.StartsWith("Phoenix.International", StringComparison.Ordinal)
            && block.Comments.Any(c => c.Contains("IGOrulers", StringComparison.Ordinal)))
        {
            // Past heads of IGOs; almost all of them left office long ago.
            return null;
        }

        var code = block.CurrentCode(CurrentSince, c => c.Length >= 3 && c != "---" && !c.StartsWith("MNC", StringComparison.Ordinal)
            && (c.Length > 3 || !RoleOnlyCodes.Contains(c)));
        if (code is null)
        {
            return null;
        }

        if (block.File.StartsWith("Phoenix.International", StringComparison.Ordinal))
        {
            return code.StartsWith("IGO", StringComparison.Ordinal) ? new Classified(block, code, ActorType.Igo)
                : code.StartsWith("NGO", StringComparison.Ordinal) ? new Classified(block, code, ActorType.Organisation)
                : null;
        }

        if (block.File.StartsWith("Phoenix.MilNonState", StringComparison.Ordinal))
        {
            return new Classified(block, code, ActorType.ArmedGroup);
        }

        if (person)
        {
            return new Classified(block, code, ActorType.Person);
        }

        if (code.StartsWith("IGO", StringComparison.Ordinal))
        {
            return new Classified(block, code, ActorType.Igo);
        }

        if (code.Length == 3)
        {
            return new Classified(block, code, ActorType.State);
        }

        var role = code[3..];
        var armed = code.StartsWith("IMG", StringComparison.Ordinal) || ArmedRoles.Any(r => role.Contains(r, StringComparison.Ordinal));
        return new Classified(block, code, armed ? ActorType.ArmedGroup : ActorType.Organisation);
    }

    private static readonly string[] ArmedRoles = ["REB", "INS", "SEP", "UAF"];

    /// <summary>CAMEO role codes that appear alone ("[ELI]") and are not countries.</summary>
    private static readonly HashSet<string> RoleOnlyCodes = new(
        ["ELI", "GOV", "MIL", "REB", "OPP", "BUS", "MED", "CVL", "COP", "JUD", "LEG", "EDU", "REF", "HLH", "HRI", "LAB",
         "AGR", "ENV", "CRM", "DEV", "SPY", "UAF", "PTY", "RAD", "IGO", "NGO", "MNC", "IMG", "INS", "SEP"],
        StringComparer.Ordinal);

    /// <summary>One TABARI entry: names (primary first, then "+" aliases), codes with date restrictions, comments.</summary>
    internal sealed partial class TabariBlock(string file)
    {
        public string File { get; } = file;

        public List<string> Names { get; } = [];

        public List<(string Code, int From, int To)> Codes { get; } = [];

        public List<string> Comments { get; } = [];

        [GeneratedRegex(@"\[([^\]]*)\]")]
        private static partial Regex CodePattern();

        public static List<TabariBlock> Read(string path, string file)
        {
            var blocks = new List<TabariBlock>();
            var current = new TabariBlock(file);
            var lineNumber = 0;
            foreach (var rawLine in System.IO.File.ReadLines(path))
            {
                lineNumber++;
                var line = rawLine.TrimEnd('\r');
                if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
                {
                    continue;
                }

                var hash = line.IndexOf('#', StringComparison.Ordinal);
                var comment = hash >= 0 ? line[(hash + 1)..] : "";
                var body = hash >= 0 ? line[..hash] : line;
                var codes = CodePattern().Matches(body);
                var names = CodePattern().Replace(body, " ");
                if (line[0] is '\t' or ' ')
                {
                    current.AddCodes(codes, path, lineNumber);
                    continue;
                }

                if (line[0] != '+' && current.Codes.Count > 0)
                {
                    blocks.Add(current);
                    current = new TabariBlock(file);
                }

                // A primary name without codes joins the next entry that has them (TABARI groups them that way).
                foreach (var name in names.Split('+'))
                {
                    var trimmed = name.Trim().Trim('_').Trim();
                    if (trimmed.Length > 0)
                    {
                        current.AddName(trimmed);
                    }
                }

                current.Comments.Add(comment);
                current.AddCodes(codes, path, lineNumber);
            }

            if (current.Codes.Count > 0)
            {
                blocks.Add(current);
            }

            return blocks.Where(b => b.Names.Count > 0).ToList();
        }

        private void AddName(string raw)
        {
            // "ADEN_ABYAN_ISLAMIC_ARMY_(AAIA)" → the name, plus the bracketed acronym when it is long enough.
            var open = raw.IndexOf('(', StringComparison.Ordinal);
            if (open >= 0)
            {
                var close = raw.IndexOf(')', open);
                var inner = close > open ? raw[(open + 1)..close] : "";
                var outer = (raw[..open] + (close > open ? raw[(close + 1)..] : "")).Replace('_', ' ').Trim();
                // The bracketed acronym is dropped: for obscure groups it mostly collides with common acronyms (EPA).
                raw = outer;
            }

            if (raw.StartsWith("THE_", StringComparison.Ordinal) || raw.StartsWith("THE ", StringComparison.Ordinal))
            {
                raw = raw[4..];
            }

            if (raw.Any(char.IsLetter) && !raw.Contains(':', StringComparison.Ordinal))
            {
                Names.Add(raw);
            }
        }

        private void AddCodes(MatchCollection matches, string path, int lineNumber)
        {
            foreach (Match match in matches)
            {
                var parts = match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                {
                    continue;
                }

                var (from, to) = parts.Length > 1 ? ParseRestriction(string.Concat(parts[1..]), path, lineNumber) : (0, int.MaxValue);
                Codes.Add((parts[0], from, to));
            }
        }

        private static (int From, int To) ParseRestriction(string text, string path, int lineNumber)
        {
            if (text.StartsWith('>'))
            {
                return (ParseDate(text[1..]), int.MaxValue);
            }

            if (text.StartsWith('<'))
            {
                return (0, ParseDate(text[1..]));
            }

            var dash = text.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                return (ParseDate(text[..dash]), ParseDate(text[(dash + 1)..]));
            }

            // Malformed restrictions exist in the source (e.g. "2004017"); treat them as unrestricted rather than fail.
            _ = path;
            _ = lineNumber;
            return (0, int.MaxValue);
        }

        /// <summary>yymmdd (19xx from 30, else 20xx) or yyyymmdd; anything else reads as "unknown" (open).</summary>
        private static int ParseDate(string text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return int.MaxValue;
            }

            return text.Length switch
            {
                6 => (value / 10000 >= 30 ? 19000000 : 20000000) + value,
                8 => value,
                _ => int.MaxValue,
            };
        }

        /// <summary>The code in force now: open-ended ones first (last listed wins), else the one ending latest.</summary>
        public string? CurrentCode(int since, Func<string, bool> usable)
        {
            string? best = null;
            var bestEnd = -1;
            foreach (var (code, _, to) in Codes)
            {
                if (!usable(code) || to < since)
                {
                    continue;
                }

                if (to >= bestEnd)
                {
                    best = code;
                    bestEnd = to;
                }
            }

            return best;
        }
    }
}
