namespace ThreatScorer.Core.Models;

/// <summary>Names of the model tasks; each is a folder under the models root (<c>models/&lt;task&gt;/</c>).</summary>
public static class ModelTasks
{
    public const string Stance = "stance";
    public const string Sentiment = "sentiment";
    public const string Threat = "threat";
    public const string Interaction = "interaction";

    /// <summary>Every task with a model implementation.</summary>
    public static IReadOnlyList<string> Known { get; } = [Stance, Sentiment, Threat, Interaction];
}
