using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Scoring;

/// <summary>
/// Hands out the current <see cref="ScoringModels"/> and swaps them when a model is promoted or rolled back
/// (the ACTIVE pointers change). The worker asks between articles, so an article is always scored by one set
/// of models and no score fails during a swap; a new model that fails to load is logged and the old set stays.
/// </summary>
public sealed class ScoringModelProvider
{
    /// <summary>How often the ACTIVE pointers are looked at, at most.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private static readonly string[] Tasks = [ModelTasks.Stance, ModelTasks.Sentiment, ModelTasks.Threat, ModelTasks.Interaction];
    private readonly string? _modelsRoot;
    private readonly StanceModelLoader _stanceLoader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private volatile ScoringModels _current;
    private long _lastCheck;

    private ScoringModelProvider(ScoringModels models, string? modelsRoot, StanceModelLoader stanceLoader, TimeProvider time, ILogger logger)
    {
        _current = models;
        _modelsRoot = modelsRoot;
        _stanceLoader = stanceLoader;
        _time = time;
        _logger = logger;
        LoadedAt = time.GetUtcNow();
        _lastCheck = time.GetTimestamp();
    }

    /// <summary>The models to score the next article with.</summary>
    public ScoringModels Current => _current;

    /// <summary>When <see cref="Current"/> was loaded.</summary>
    public DateTimeOffset LoadedAt { get; private set; }

    /// <summary>Raised after a swap (for status reporting).</summary>
    public event EventHandler<ScoringModels>? Reloaded;

    /// <summary>
    /// Loads the active models under <paramref name="modelsRoot"/> and watches their ACTIVE pointers; stance versions are
    /// loaded by <paramref name="stanceLoader"/> (n-gram only when null), at start and on every swap.
    /// </summary>
    public static ScoringModelProvider Load(string modelsRoot, TimeProvider time, ILogger? logger = null, StanceModelLoader? stanceLoader = null)
    {
        stanceLoader ??= StanceModelLoader.NgramOnly;
        return new(ScoringModels.Load(modelsRoot, stanceLoader), modelsRoot, stanceLoader, time, logger ?? NullLogger.Instance);
    }

    /// <summary>A provider that never reloads (one-off scoring, tests).</summary>
    public static ScoringModelProvider Fixed(ScoringModels models) =>
        new(models, null, StanceModelLoader.NgramOnly, TimeProvider.System, NullLogger.Instance);

    /// <summary>
    /// Swaps in the newly active models if any ACTIVE pointer names another version than the loaded one.
    /// Cheap when nothing changed (reads four small files at most once per <see cref="CheckInterval"/>).
    /// Returns true when a swap happened.
    /// </summary>
    public bool RefreshIfChanged(bool force = false)
    {
        if (_modelsRoot is null)
        {
            return false;
        }

        lock (_gate)
        {
            if (!force && _time.GetElapsedTime(_lastCheck) < CheckInterval)
            {
                return false;
            }

            _lastCheck = _time.GetTimestamp();
            var loaded = _current.Versions;
            var active = Tasks.Select(t => ModelRegistry.ActiveVersion(_modelsRoot, t)).ToArray();
            if (active[0] == loaded.Stance && active[1] == loaded.Sentiment && active[2] == loaded.Threat && active[3] == loaded.Interaction)
            {
                return false;
            }

            try
            {
                var next = ScoringModels.Load(_modelsRoot, _stanceLoader);
                _current = next;
                LoadedAt = _time.GetUtcNow();
                _logger.LogInformation(
                    "Models reloaded: stance {Stance}, sentiment {Sentiment}, threat {Threat}, interaction {Interaction} (were {Previous})",
                    next.Versions.Stance, next.Versions.Sentiment, next.Versions.Threat, next.Versions.Interaction, loaded.Key);
                Reloaded?.Invoke(this, next);
                return true;
            }
            catch (ModelLoadException ex)
            {
                _logger.LogError(ex, "A newly activated model failed to load; still scoring with {Versions}", loaded.Key);
                return false;
            }
        }
    }
}
