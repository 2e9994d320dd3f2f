using System.Text.Json;

namespace ThreatScorer.Tests.Models;

/// <summary>Team-written tiny NewsMTSC-format data: obvious praise, condemnation and neutral reporting templates.</summary>
internal static class TinyPolarityData
{
    private static readonly string[] Targets = ["Smith", "the minister", "Governor Jones", "Lee", "the mayor", "Senator Park"];

    private static readonly string[] Speakers = ["Critics", "Voters", "Reporters", "Analysts", "Residents"];

    private static readonly (int Polarity, string Template)[] Templates =
    [
        (1, "{s} praised {t} for the successful and generous reform."),
        (1, "{t} was celebrated as a hero after the brilliant rescue."),
        (1, "{s} thanked {t} for wonderful leadership and great work."),
        (1, "{t} won wide admiration for an honest, excellent speech."),
        (-1, "{s} condemned {t} over the corruption scandal and lies."),
        (-1, "{t} was accused of fraud and abuse by angry {s}."),
        (-1, "{s} blamed {t} for the disastrous failure and the chaos."),
        (-1, "{t} faced fierce criticism for a shameful, dishonest campaign."),
        (0, "{t} met {s} on Tuesday in the capital."),
        (0, "{t} will travel to the northern region next week."),
        (0, "{s} said {t} spoke at a press conference in the afternoon."),
        (0, "{t} is scheduled to attend the annual budget meeting."),
    ];

    /// <summary>Writes <paramref name="count"/> lines (fixed seed) to <paramref name="path"/>.</summary>
    public static void Write(string path, int count, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path);
        for (var i = 0; i < count; i++)
        {
            var (polarity, template) = Templates[random.Next(Templates.Length)];
            var target = Targets[random.Next(Targets.Length)];
            var speaker = Speakers[random.Next(Speakers.Length)];
            var withSpeaker = template.Replace("{s}", speaker, StringComparison.Ordinal);
            var from = withSpeaker.IndexOf("{t}", StringComparison.Ordinal);
            var sentence = withSpeaker.Replace("{t}", target, StringComparison.Ordinal);
            if (from == 0)
            {
                sentence = char.ToUpperInvariant(sentence[0]) + sentence[1..];
                target = sentence[..target.Length];
            }

            writer.WriteLine(JsonSerializer.Serialize(new
            {
                mention = target,
                polarity,
                from,
                to = from + target.Length,
                sentence,
                id = $"tiny_{seed}_{i}",
            }));
        }
    }
}
