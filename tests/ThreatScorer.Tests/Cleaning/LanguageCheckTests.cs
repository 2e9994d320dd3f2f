using ThreatScorer.Core.Cleaning;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Cleaning;

public sealed class LanguageCheckTests
{
    [Fact]
    public void TheReferenceArticle_IsEnglish()
    {
        Assert.Null(LanguageCheck.WhyNotEnglish(File.ReadAllText(RepoPaths.SeedArticle), null));
    }

    [Fact]
    public void ShortEnglishHeadline_IsEnglish_EvenWithoutFunctionWords()
    {
        // No function word, no declared language: too short for the function-word test, Latin script passes.
        Assert.Null(LanguageCheck.WhyNotEnglish("Russia vows support for Tajikistan", null));
    }

    [Theory]
    [InlineData("!!! ??? ... ,,, ;;; --- ***")]
    [InlineData("12 345 6789. 3.14 2.71 1.41 42 7 1000000.")]
    [InlineData("“42” — (17) ‘3.5’")]
    public void TextWithoutLetters_IsNoArticle(string text)
    {
        Assert.Equal("no words: the text holds no letters", LanguageCheck.WhyNotEnglish(text, null));
        Assert.Equal("no words: the text holds no letters", LanguageCheck.WhyNotEnglish(text, "en"));
    }

    [Fact]
    public void LettersAfterTheWordWindow_StillCount()
    {
        var numbers = string.Concat(Enumerable.Repeat("42 ", LanguageCheck.MaxWords + 10));
        Assert.Null(LanguageCheck.WhyNotEnglish(numbers + "Troops crossed the border.", null));
    }

    [Fact]
    public void FiguresBeforeTheText_DoNotUseUpTheWindow()
    {
        // Letterless tokens are not words: the Russian text after them is still read and judged.
        var numbers = string.Concat(Enumerable.Repeat("42 ", LanguageCheck.MaxWords + 10));
        var russian = string.Concat(Enumerable.Repeat("Москва заявила, что продолжит переговоры. ", 20));
        Assert.Contains("Cyrillic", LanguageCheck.WhyNotEnglish(numbers + russian, null), StringComparison.Ordinal);
    }

    [Fact]
    public void AForeignBodyAfterAnEnglishOpening_IsCaught()
    {
        // Samples come from the beginning, the middle and the end: a long English lead no longer hides what follows.
        var english = string.Concat(Enumerable.Repeat("The troops crossed the border and the talks stalled. ", LanguageCheck.MaxWords / 9 + 1));
        var russian = string.Concat(Enumerable.Repeat("Москва заявила, что продолжит переговоры. ", 2_000));

        var reason = LanguageCheck.WhyNotEnglish(english + russian, null);

        Assert.NotNull(reason);
        Assert.Contains("Cyrillic", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSeedArticleFollowedByAFrenchBody_IsNotEnglish()
    {
        var english = File.ReadAllText(RepoPaths.SeedArticle);
        var french = string.Concat(Enumerable.Repeat(Paragraphs["French"] + "\n\n", 60));

        var reason = LanguageCheck.WhyNotEnglish(english + "\n\n" + french, null);

        Assert.NotNull(reason);
        Assert.Contains("French function words", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortForeignQuoteInsideAnEnglishArticle_StaysEnglish()
    {
        var seed = File.ReadAllText(RepoPaths.SeedArticle);
        var middle = seed.IndexOf("\n\n", seed.Length / 2, StringComparison.Ordinal);
        var quoted = seed[..middle] + "\n\n\"" + Paragraphs["Spanish"][..120] + "\", he said in Spanish." + seed[middle..];

        Assert.Null(LanguageCheck.WhyNotEnglish(quoted, null));
    }

    /// <summary>News paragraphs of the languages most often taken for English in Latin script.</summary>
    private static readonly Dictionary<string, string> Paragraphs = new()
    {
        ["French"] = "Le gouvernement a annoncé mardi qu'il poursuivrait les discussions avec les pays voisins sur un cessez-le-feu. " +
            "Les ministres se réuniront la semaine prochaine à Genève pour examiner les propositions des médiateurs, " +
            "tandis que les organisations humanitaires demandent un accès sans entrave aux zones touchées par les combats " +
            "et que les habitants attendent toujours des nouvelles de leurs proches disparus depuis le début du conflit.",
        ["Spanish"] = "El gobierno anunció el martes que continuará las conversaciones con los países vecinos sobre un alto el fuego. " +
            "Los ministros se reunirán la próxima semana en Ginebra para examinar las propuestas de los mediadores, " +
            "mientras las organizaciones humanitarias piden un acceso sin trabas a las zonas afectadas por los combates " +
            "y los habitantes siguen esperando noticias de sus familiares desaparecidos desde el comienzo del conflicto.",
        ["German"] = "Die Regierung hat am Dienstag angekündigt, dass sie die Gespräche mit den Nachbarländern über eine Waffenruhe fortsetzen wird. " +
            "Die Minister werden sich in der kommenden Woche in Genf treffen, um die Vorschläge der Vermittler zu prüfen, " +
            "während die Hilfsorganisationen einen ungehinderten Zugang zu den von den Kämpfen betroffenen Gebieten fordern " +
            "und die Bewohner noch immer auf Nachrichten von ihren Angehörigen warten, die seit dem Beginn des Konflikts vermisst werden.",
        ["Italian"] = "Il governo ha annunciato martedì che proseguirà i colloqui con i paesi vicini su un cessate il fuoco. " +
            "I ministri si riuniranno la prossima settimana a Ginevra per esaminare le proposte dei mediatori, " +
            "mentre le organizzazioni umanitarie chiedono un accesso senza ostacoli alle zone colpite dai combattimenti " +
            "e gli abitanti attendono ancora notizie dei loro parenti scomparsi dall'inizio del conflitto, che non è finito.",
        ["Portuguese"] = "O governo anunciou na terça-feira que vai continuar as conversações com os países vizinhos sobre um cessar-fogo. " +
            "Os ministros vão reunir-se na próxima semana em Genebra para examinar as propostas dos mediadores, " +
            "enquanto as organizações humanitárias pedem um acesso sem entraves às zonas afetadas pelos combates " +
            "e os habitantes ainda esperam notícias dos seus familiares desaparecidos desde o início do conflito, que não terminou.",
    };

    [Theory]
    [InlineData("French")]
    [InlineData("Spanish")]
    [InlineData("German")]
    [InlineData("Italian")]
    [InlineData("Portuguese")]
    public void ALatinScriptEuropeanLanguage_IsNotEnglish_NamingIt(string language)
    {
        var reason = LanguageCheck.WhyNotEnglish(Paragraphs[language], null);

        Assert.NotNull(reason);
        Assert.StartsWith("not English:", reason, StringComparison.Ordinal);
        Assert.Contains(language, reason, StringComparison.Ordinal);
    }

    [SharedDataFact("whitehouse/statements.jsonl")]
    public void RealStatements_AreEnglishUnlessWrittenInAnotherLanguage()
    {
        // The White House also publishes in Spanish, French and Portuguese (and English statements followed by a
        // translation): those may be rejected, but only by naming the language, never for lack of English words.
        var rejected = RejectedSample(Path.Combine(RepoPaths.SharedData, "whitehouse", "statements.jsonl"), every: 3, out var checkedCount);
        Assert.True(checkedCount > 2_000, $"only {checkedCount} statements");
        Assert.All(rejected, r => Assert.Matches("(French|Spanish|German|Italian|Portuguese) function words", r));
        Assert.True(rejected.Count * 100 <= checkedCount, $"{rejected.Count} of {checkedCount} rejected:\n{string.Join("\n", rejected)}");
    }

    [SharedDataFact("onestopenglish/articles.jsonl")]
    public void RealEnglishNewsArticles_AreEnglish()
    {
        var rejected = RejectedSample(Path.Combine(RepoPaths.SharedData, "onestopenglish", "articles.jsonl"), every: 1, out var checkedCount);
        Assert.True(checkedCount > 100, $"only {checkedCount} articles");
        Assert.True(rejected.Count == 0, $"{rejected.Count} of {checkedCount} rejected:\n{string.Join("\n", rejected)}");
    }

    /// <summary>The reasons given for every <paramref name="every"/>th record's title and text that is rejected.</summary>
    private static List<string> RejectedSample(string jsonl, int every, out int checkedCount)
    {
        var rejected = new List<string>();
        checkedCount = 0;
        foreach (var (line, index) in File.ReadLines(jsonl).Select((l, i) => (l, i)).Where(p => p.i % every == 0))
        {
            using var record = System.Text.Json.JsonDocument.Parse(line);
            var root = record.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            checkedCount++;
            if (LanguageCheck.WhyNotEnglish($"{title}\n\n{root.GetProperty("text").GetString()}", null) is { } reason)
            {
                rejected.Add($"line {index + 1} ({root.GetProperty("id").GetString()}): {reason}");
            }
        }

        return rejected;
    }

    [Fact]
    public void EveryEnglishFixtureArticle_IsEnglish()
    {
        var articles = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "ThreatScorer.Tests", "Fixtures", "articles"), "*.txt")
            .Append(RepoPaths.SeedArticle).ToList();
        Assert.NotEmpty(articles);
        Assert.All(articles, path => Assert.True(LanguageCheck.WhyNotEnglish(File.ReadAllText(path), null) is null, path));
    }

    [Theory]
    [InlineData("Москва заявила, что продолжит переговоры с Киевом о прекращении огня.", "Cyrillic")]
    [InlineData("北京宣布将与东盟国家举行新一轮贸易谈判，以缓解地区紧张局势。", "CJK")]
    [InlineData("أعلنت الحكومة أنها ستواصل المحادثات مع الدول المجاورة بشأن وقف إطلاق النار.", "Arabic")]
    public void OtherScripts_AreNotEnglish_NamingTheScript(string text, string script)
    {
        var reason = LanguageCheck.WhyNotEnglish(text, null);

        Assert.NotNull(reason);
        Assert.StartsWith("not English:", reason, StringComparison.Ordinal);
        Assert.Contains(script, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FrenchInLatinScript_IsNotEnglish_ByItsFunctionWords()
    {
        const string french = "Le gouvernement a annoncé mardi qu'il poursuivrait les discussions avec les pays voisins sur un cessez-le-feu. " +
            "Les ministres se réuniront la semaine prochaine à Genève pour examiner les propositions des médiateurs, " +
            "tandis que les organisations humanitaires demandent un accès sans entrave aux zones touchées par les combats " +
            "et que les habitants attendent toujours des nouvelles de leurs proches disparus depuis le début du conflit.";

        var reason = LanguageCheck.WhyNotEnglish(french, null);

        Assert.NotNull(reason);
        Assert.Contains("French function words", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclaredLanguage_OtherThanEnglish_IsTakenAtItsWord()
    {
        Assert.Contains("declares language 'de'", LanguageCheck.WhyNotEnglish("Russia vows to shield Tajikistan.", "de"), StringComparison.Ordinal);
    }

    [Fact]
    public void EnglishWithForeignNamesAndQuotes_IsEnglish()
    {
        const string text = "President Volodymyr Zelenskyy met Recep Tayyip Erdoğan in Ankara on Tuesday, and the two leaders said " +
            "that talks on grain exports through the Black Sea would resume. \"Мы готовы,\" a Russian diplomat told reporters, " +
            "which was taken as a sign that Moscow is open to a deal. Analysts in Kyiv were cautious, however, and said the " +
            "previous agreement had collapsed after repeated attacks on the port of Odesa.";

        Assert.Null(LanguageCheck.WhyNotEnglish(text, null));
    }
}
