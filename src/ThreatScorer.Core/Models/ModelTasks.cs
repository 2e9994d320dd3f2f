namespace ThreatScorer.Core.Models;

/// <summary>Names of the model tasks; each is a folder under the models root (<c>models/&lt;task&gt;/</c>).</summary>
public static class ModelTasks
{
    public const string Stance = "stance";
    public const string Sentiment = "sentiment";

    /// <summary>Tasks that have a model implementation today (threat and interaction come later).</summary>
    public static IReadOnlyList<string> Known { get; } = [Stance, Sentiment];
}
