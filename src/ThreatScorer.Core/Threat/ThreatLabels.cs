namespace ThreatScorer.Core.Threat;

/// <summary>The label sets of threat framing, in their canonical order (model score slots follow it).</summary>
public static class ThreatLabels
{
    public const string None = "none";
    public const string Low = "low";
    public const string Elevated = "elevated";
    public const string High = "high";

    /// <summary>Threat levels, least to most severe.</summary>
    public static IReadOnlyList<string> Levels { get; } = [None, Low, Elevated, High];

    /// <summary>Threat kinds (multi-label; none of them means no threat).</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        ["armed_conflict", "terrorism", "civil_unrest", "crime", "cyber", "political_instability", "disaster"];

    /// <summary>Interaction classes: CAMEO QuadClass plus statements, in CAMEO-dev's 0–4 order.</summary>
    public static IReadOnlyList<string> Interactions { get; } =
        ["statement", "verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"];

    /// <summary>Rank of a level (none 0 … high 3); −1 when unknown.</summary>
    public static int LevelRank(string level) => Levels.IndexOf(level);
}

internal static class ListExtensions
{
    public static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
