using ThreatScorer.Core.Cleaning;

namespace ThreatScorer.Tests.Cleaning;

/// <summary>The invariants every <see cref="CleanedArticle"/> must keep, checked after each cleaning in tests.</summary>
internal static class CleanedArticleAssert
{
    public static void Invariants(CleanedArticle cleaned)
    {
        var paragraphs = cleaned.Text.Split("\n\n");
        var previousEnd = 0;
        for (var k = 0; k < cleaned.Sentences.Count; k++)
        {
            var s = cleaned.Sentences[k];
            Assert.Equal(k, s.Index);
            Assert.True(s.Start >= previousEnd, $"sentence {k} overlaps the previous one");
            Assert.True(s.Length > 0, $"sentence {k} is empty");
            Assert.Equal(s.Text, cleaned.Text.Substring(s.Start, s.Length));
            Assert.DoesNotContain('\n', s.Text);
            Assert.Equal(s.Text, s.Text.Trim());
            Assert.Contains(s.Text, paragraphs[s.Paragraph], StringComparison.Ordinal);
            Assert.Equal(cleaned.Title is not null && s.Paragraph == 0, s.IsTitle);
            previousEnd = s.End;
        }

        if (cleaned.Title is not null)
        {
            Assert.Equal(cleaned.Title, paragraphs[0]);
        }

        Assert.DoesNotContain("\n\n\n", cleaned.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("  ", cleaned.Text, StringComparison.Ordinal);
    }
}
