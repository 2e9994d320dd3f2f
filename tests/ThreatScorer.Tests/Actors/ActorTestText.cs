using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Actors;

/// <summary>
/// Shared fixtures: the committed gazetteer and a recogniser over it (built once), and a plain paragraph/period
/// sentence splitter standing in for the text cleaner, with exact offsets.
/// </summary>
internal static class ActorTestText
{
    private static readonly Lazy<ActorRecognizer> Shared = new(() => new ActorRecognizer(Gazetteer.Load(GazetteerPath)));

    public static string GazetteerPath => Path.Combine(RepoPaths.Models, "actors", "gazetteer.json");

    public static ActorRecognizer Recognizer => Shared.Value;

    public static IReadOnlyList<ActorMention> Recognize(string text) => Recognizer.Recognize(text, Split(text));

    /// <summary>Paragraphs at blank lines, sentences at ". "; the first paragraph is marked as title.</summary>
    public static List<Sentence> Split(string text)
    {
        var sentences = new List<Sentence>();
        var paragraph = 0;
        var position = 0;
        foreach (var block in text.Split("\n\n"))
        {
            var blockStart = position;
            position += block.Length + 2;
            var i = 0;
            while (i < block.Length)
            {
                while (i < block.Length && char.IsWhiteSpace(block[i]))
                {
                    i++;
                }

                if (i >= block.Length)
                {
                    break;
                }

                var start = i;
                var stop = block.IndexOf(". ", i, StringComparison.Ordinal);
                stop = stop < 0 ? block.Length : stop + 1;
                var length = stop - start;
                while (length > 0 && char.IsWhiteSpace(block[start + length - 1]))
                {
                    length--;
                }

                if (length > 0)
                {
                    sentences.Add(new Sentence(sentences.Count, blockStart + start, length, paragraph, text.Substring(blockStart + start, length))
                    {
                        IsTitle = paragraph == 0,
                    });
                }

                i = stop;
            }

            paragraph++;
        }

        return sentences;
    }
}
