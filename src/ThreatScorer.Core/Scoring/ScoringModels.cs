using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Scoring;

/// <summary>
/// The models the pipeline scores with, loaded once. Loading fails fast with the path and the reason when a
/// model is missing or corrupt, so a bad deployment stops at start rather than on the first article.
/// </summary>
public sealed class ScoringModels
{
    public const string GazetteerRelativePath = "actors/gazetteer.json";

    /// <summary>The gazetteer of the models root a version folder (<c>&lt;root&gt;/&lt;task&gt;/&lt;version&gt;</c>) sits in.</summary>
    public static string GazetteerOfModelsRoot(string versionDirectory) =>
        Path.GetFullPath(Path.Combine(versionDirectory, "..", "..", GazetteerRelativePath));

    public ScoringModels(ActorRecognizer actors, IStanceModel stance, SentimentModel sentiment, ThreatModel threat, InteractionModel interaction)
    {
        Actors = actors;
        Stance = stance;
        Sentiment = sentiment;
        Threat = threat;
        Interaction = interaction;
        Versions = new ModelVersions(stance.Version, sentiment.Version, threat.Version, interaction.Version);
    }

    public ActorRecognizer Actors { get; }
    public IStanceModel Stance { get; }
    public SentimentModel Sentiment { get; }
    public ThreatModel Threat { get; }
    public InteractionModel Interaction { get; }
    public ModelVersions Versions { get; }

    /// <summary>
    /// Loads the gazetteer and the active stance, sentiment, threat and interaction models under <paramref name="modelsRoot"/>.
    /// The stance model is of the kind its version folder names, loaded by <paramref name="stanceLoader"/> (n-gram only when null).
    /// </summary>
    public static ScoringModels Load(string modelsRoot, StanceModelLoader? stanceLoader = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelsRoot);
        if (!Directory.Exists(modelsRoot))
        {
            throw new ModelLoadException(Path.GetFullPath(modelsRoot), "the models folder does not exist");
        }

        var gazetteerPath = Path.Combine(modelsRoot, GazetteerRelativePath);
        Gazetteer gazetteer;
        try
        {
            gazetteer = Gazetteer.Load(gazetteerPath);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw new ModelLoadException(Path.GetFullPath(gazetteerPath), ex.Message, ex);
        }

        var stance = (stanceLoader ?? StanceModelLoader.NgramOnly).LoadActive(modelsRoot);
        var sentiment = SentimentModel.LoadActive(modelsRoot);
        var threat = ThreatModel.LoadActive(modelsRoot);
        var interaction = InteractionModel.LoadActive(modelsRoot);
        return new ScoringModels(new ActorRecognizer(gazetteer), stance, sentiment, threat, interaction);
    }
}
