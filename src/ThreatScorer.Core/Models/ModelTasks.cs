namespace ThreatScorer.Core.Models;

/// <summary>Names of the model tasks; each is a folder under the models root (<c>models/&lt;task&gt;/</c>).</summary>
public static class ModelTasks
{
    public const string Stance = "stance";
    public const string Sentiment = "sentiment";
    public const string Threat = "threat";
    public const string Interaction = "interaction";

    /// <summary>The MiniLM stance teacher (src/ThreatScorer.Encoders): trained and used for distillation, never scored with.</summary>
    public const string StanceTeacher = "stance-teacher";

    /// <summary>Every task with a model implementation.</summary>
    public static IReadOnlyList<string> Known { get; } = [Stance, Sentiment, Threat, Interaction];
}
