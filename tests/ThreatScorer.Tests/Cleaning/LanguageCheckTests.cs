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
    public void OnlyTheFirstWordsAreRead()
    {
        // A long English article with a foreign appendix far past the window is judged by its opening.
        var english = string.Concat(Enumerable.Repeat("The troops crossed the border and the talks stalled. ", LanguageCheck.MaxWords / 9 + 1));
        var russian = string.Concat(Enumerable.Repeat("Москва заявила, что продолжит переговоры. ", 2_000));
        Assert.Null(LanguageCheck.WhyNotEnglish(english + russian, null));
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
        Assert.Contains("common English words", reason, StringComparison.Ordinal);
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
