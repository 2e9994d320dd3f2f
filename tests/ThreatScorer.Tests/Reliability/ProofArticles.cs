using ThreatScorer.Core.Articles;

namespace ThreatScorer.Tests.Reliability;

/// <summary>
/// Short, realistic articles written for the proofs (team text): threat and calm, several actors, each one
/// distinct (a numbered dateline), so none is deduplicated away. Deterministic for a given seed.
/// </summary>
internal static class ProofArticles
{
    private static readonly string[] Actors =
        ["Russia", "Ukraine", "NATO", "the United Nations", "China", "Taiwan", "Iran", "Israel", "the Taliban", "Pakistan", "India", "France", "Germany", "the European Union", "Turkey", "Syria"];

    private static readonly string[] Leads =
    [
        "{0} accused {1} of shelling border villages overnight, killing four civilians.",
        "{0} and {1} signed a trade agreement on Tuesday, promising closer economic ties.",
        "Protesters clashed with police in the capital of {0} after a disputed election, and {1} urged restraint.",
        "A car bomb exploded near a market in {0}; officials blamed militants linked to {1}.",
        "{0} pledged humanitarian aid to {1} after floods displaced thousands of families.",
        "Hackers believed to work for {0} breached the energy grid of {1}, causing outages.",
        "Officials from {0} met counterparts from {1} to discuss cooperation on climate research.",
        "{0} moved troops and armour toward the frontier with {1}, raising fears of an offensive.",
    ];

    private static readonly string[] Bodies =
    [
        "Witnesses described hours of gunfire and said hospitals were overwhelmed.",
        "Analysts said the talks could ease tensions that have simmered for months.",
        "The ministry said investigators were still working at the scene.",
        "Diplomats welcomed the announcement and called for further dialogue.",
        "Markets were calm and the central bank left interest rates unchanged.",
        "Aid agencies warned that food and water were running short in the region.",
    ];

    public static IEnumerable<RawArticle> Generate(int count, int seed, string sourcePrefix = "proof")
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var a = Actors[random.Next(Actors.Length)];
            var b = Actors[random.Next(Actors.Length)];
            var lead = string.Format(System.Globalization.CultureInfo.InvariantCulture, Leads[random.Next(Leads.Length)], a, b);
            var text = $"{lead} {Bodies[random.Next(Bodies.Length)]} {Bodies[random.Next(Bodies.Length)]} Dispatch {seed}-{i} filed by the wire desk.";
            yield return new RawArticle
            {
                Title = $"Report {i}: {a} and {b}",
                Text = text,
                Source = "proof-wire",
                SourcePath = $"{sourcePrefix}/{i:D5}.json",
                SourceLine = null,
            };
        }
    }
}
