using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Models;

/// <summary>
/// Loads a version folder the way the worker loads the active one (same classes, same gazetteer of the models
/// root), so that nothing the worker would fail to start with becomes active.
/// </summary>
internal static class ModelLoadCheck
{
    /// <exception cref="ModelLoadException">A file is missing or does not load; the message names it.</exception>
    public static void Load(string modelsRoot, string task, string versionDirectory, StanceModelLoader? stanceLoader)
    {
        switch (task)
        {
            case ModelTasks.Stance:
                // The stance model reads the gazetteer lazily; the worker has it loaded anyway (actor recognition).
                // Through the loader of this process's kinds: an encoder version loads its encoder too.
                (stanceLoader ?? StanceModelLoader.NgramOnly).Load(versionDirectory, Path.Combine(modelsRoot, ScoringModels.GazetteerRelativePath));
                break;
            case ModelTasks.Sentiment:
                SentimentModel.Load(versionDirectory);
                break;
            case ModelTasks.Threat:
                ThreatModel.Load(versionDirectory);
                break;
            case ModelTasks.Interaction:
                InteractionModel.Load(versionDirectory);
                break;
            default:
                // The stance teacher (src/ThreatScorer.Encoders) is never loaded by the worker; its own trainer
                // checks what it publishes.
                break;
        }
    }
}
