namespace ThreatScorer.Core.Training;

/// <summary>
/// Featurisation and learner settings for the n-gram polarity classifiers (stance and sentiment). They are part of
/// the training fingerprint and are written to metrics.json and the model card.
/// </summary>
public sealed record TextClassifierHyperparameters
{
    /// <summary>
    /// Stance defaults. LBFGS beat SDCA by ~0.02 macro-F1 on NewsMTSC dev; class weighting, window 4 or 10, char
    /// 4-grams and word 3-grams were within noise. Target names are masked and the marked sentence clipped to
    /// 12 words each side: without that the model learned a prior per name ("Russia" negative whatever the
    /// sentence said) and a long sentence's violent clauses leaked into the stance toward a protector. That costs
    /// ~0.05 macro-F1 on NewsMTSC dev (US politics, where name priors happen to pay) and fixes the seed
    /// article's outcomes; L2 = 1 recovers part of it (see the model card).
    /// </summary>
    public static TextClassifierHyperparameters StanceDefault { get; } = new()
    {
        Trainer = "lbfgs",
        L2 = 1f,
        MarkedWindowWords = 12,
        MaskTarget = true,
    };

    /// <summary>
    /// Stance-teacher defaults (only <see cref="L2"/> and <see cref="MaskTarget"/> apply). Masked: with the name in
    /// front of it the encoder let a sentence's threat tone paint the protector negative ("Russia vows to shield
    /// Tajikistan…" → Russia −0.24); masked it scores Russia +0.05 and the Taliban −0.56, with dev macro-F1
    /// 0.744 / 0.697 masked against 0.725 / 0.726 not (rw better by 0.019, mt worse by 0.029). L2 is strong because
    /// 2,688 dense features over 11k examples overfit: on NewsMTSC dev (rw / mt, unmasked) L2 1 → 0.609 / 0.617,
    /// 10 → 0.670 / 0.653, 100 → 0.690 / 0.702, 400 → 0.715 / 0.720, 1500 → 0.725 / 0.726, 4000 → 0.723 / 0.729.
    /// </summary>
    public static TextClassifierHyperparameters StanceTeacherDefault { get; } = new() { Trainer = "lbfgs", L2 = 1500f, MaskTarget = true };

    /// <summary>Sentiment defaults: SDCA with char 4-grams was best on both dev files (LBFGS, 3-grams, weighting lower).</summary>
    public static TextClassifierHyperparameters SentimentDefault { get; } = new() { WindowWords = 0, CharNgramLength = 4 };

    /// <summary>Words of context on each side of the target (stance only; 0 for sentiment).</summary>
    public int WindowWords { get; init; } = 6;

    /// <summary>
    /// Stance only: words kept on each side of the target in the marked-sentence column (0 = the whole sentence).
    /// Clipping keeps the tone of a long sentence's other clauses from leaking into the stance toward the target.
    /// </summary>
    public int MarkedWindowWords { get; init; }

    /// <summary>Stance only: replace the target's words by a placeholder (no per-name prior).</summary>
    public bool MaskTarget { get; init; }

    /// <summary>Word n-gram length (1..n, all lengths).</summary>
    public int WordNgramLength { get; init; } = 2;

    /// <summary>Char n-gram length (exactly n) on the sentence and mention; 0 disables char n-grams.</summary>
    public int CharNgramLength { get; init; } = 3;

    /// <summary>Keep at most this many n-grams per featurised column (bounds model size).</summary>
    public int MaxNgramsPerColumn { get; init; } = 100_000;

    /// <summary><c>sdca</c> (SdcaMaximumEntropy) or <c>lbfgs</c> (LbfgsMaximumEntropy).</summary>
    public string Trainer { get; init; } = "sdca";

    /// <summary>L2 regularisation; null lets SDCA choose. LBFGS uses L1 = 0.</summary>
    public float? L2 { get; init; }

    /// <summary>Maximum passes over the data (SDCA) or iterations (LBFGS); null = trainer default.</summary>
    public int? MaxIterations { get; init; }

    /// <summary>Weight examples inversely to their class frequency.</summary>
    public bool BalanceClasses { get; init; }

    /// <summary>
    /// Stance distillation: weight of each teacher-labelled example relative to a gold one (null when no teacher
    /// labels are given; not written then, so models without distillation keep their fingerprints).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public float? DistillWeight { get; init; }

    /// <summary>
    /// Stance distillation with soft labels: each teacher-labelled mention becomes one example per class weighted by
    /// the teacher's probability (so the log-loss is the cross-entropy with the teacher's distribution); otherwise
    /// the hard label weighted by the teacher's confidence.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? DistillSoft { get; init; }

    /// <summary>Stance distillation: teacher labels below this confidence are left out (null = keep all).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public float? DistillMinConfidence { get; init; }

    /// <summary>
    /// Stance only: give the model the target's actor type (state, IGO, armed group, person, …, from the gazetteer)
    /// as a token beside the masked target — a prior per kind of actor rather than per name (null/false = off; not
    /// written when unset, so older models keep their fingerprints).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? TargetType { get; init; }
}

/// <summary>What to train: task, data, seed and where to write the version folder.</summary>
/// <param name="Task">A <see cref="Models.ModelTasks"/> name.</param>
/// <param name="TrainFiles">NewsMTSC-format JSONL training files.</param>
/// <param name="DevFiles">NewsMTSC-format JSONL dev files; each is evaluated and reported separately.</param>
/// <param name="Seed">MLContext seed.</param>
/// <param name="ModelsRoot">The models root; the model goes to <c>&lt;root&gt;/&lt;task&gt;/&lt;version&gt;/</c>.</param>
public sealed record TrainingRequest(
    string Task,
    IReadOnlyList<string> TrainFiles,
    IReadOnlyList<string> DevFiles,
    int Seed,
    string ModelsRoot)
{
    /// <summary>Write <c>&lt;root&gt;/&lt;task&gt;/ACTIVE</c> to point at the new version.</summary>
    public bool Activate { get; init; }

    /// <summary>Settings; null = the task's default.</summary>
    public TextClassifierHyperparameters? Hyperparameters { get; init; }

    /// <summary>Take at most this many training examples (in file order); null = all. For quick tests.</summary>
    public int? MaxTrainExamples { get; init; }

    /// <summary>
    /// Third-party datasets by name, for joining labels stored by reference and for extra evaluation
    /// (e.g. "newsmtsc" → ../shared/data/newsmtsc, "cameo" → ../shared/data/cameo-dev/cameo_train.tsv).
    /// </summary>
    public IReadOnlyDictionary<string, string> Datasets { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Threat/interaction settings; null = <see cref="Threat.ThreatHyperparameters.Default"/>.</summary>
    public Threat.ThreatHyperparameters? ThreatHyperparameters { get; init; }

    /// <summary>The actor gazetteer, for models that use actor features (threat, interaction) or the stance target type (relative paths from the working directory; <c>train --gazetteer</c>).</summary>
    public string GazetteerPath { get; init; } = Path.Combine("models", "actors", "gazetteer.json");

    /// <summary>
    /// Teacher labels by reference (<see cref="DistillationPool"/> JSONL, from <c>threatscorer distill-label</c>),
    /// joined with their text through <see cref="Datasets"/> and added to the gold examples (stance only).
    /// </summary>
    public IReadOnlyList<string> DistillLabelFiles { get; init; } = [];

    /// <summary>Skip the throughput measurement (it takes a few seconds).</summary>
    public bool MeasureThroughput { get; init; } = true;
}

/// <summary>A training stage reached.</summary>
public sealed record TrainingProgress(string Stage, string Message);

/// <summary>Metrics on one dev file.</summary>
public sealed record DevEvaluation(string File, EvaluationReport Report);

/// <summary>The outcome of training: where the version folder is, and what was measured.</summary>
public sealed record TrainingResult(
    string Task,
    string Version,
    string ModelDirectory,
    string Fingerprint,
    int TrainExamples,
    IReadOnlyList<DevEvaluation> DevEvaluations,
    TimeSpan TrainingTime,
    double SingleThreadPredictionsPerSecond,
    double BatchPredictionsPerSecond,
    long ModelBytes,
    bool Activated);
