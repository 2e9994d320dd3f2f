using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;
using ThreatScorer.Core.Training;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Threat;

/// <summary>
/// Threat and interaction gates: dev groups only by default, reported per part (team, each real-text file), with a
/// keyword-count baseline, and a candidate worse on one real part is refused.
/// </summary>
public sealed class ThreatDevGateTests : IDisposable
{
    // Split by ThreatCorpusReader.IsDevGroup (checked in Groups_AreOnTheExpectedSideOfTheSplit).
    private const string TeamDev = "g10";
    private const string TeamDev2 = "g12";
    private const string TeamTrain = "g0";
    private const string TeamTrain2 = "g1";
    private const string RealDev = "r-cep-g0003";
    private const string RealTrain = "r-cep-g0000";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Gazetteer => Path.Combine(RepoPaths.Models, "actors", "gazetteer.json");

    private static string Shipped(string task) => Path.Combine(RepoPaths.Models, task, ModelRegistry.ActiveVersion(RepoPaths.Models, task)!);

    private static string Line(string id, string text, string level, string kinds, string interaction, string group) =>
        $$"""{"id":"{{id}}","text":"{{text}}","threat_level":"{{level}}","kinds":[{{kinds}}],"interaction":"{{interaction}}","group":"{{group}}"}""";

    private static readonly string[] DevLines =
    [
        Line("d1", "Rebels shelled the town overnight, killing twelve civilians.", "high", "\"armed_conflict\"", "material_conflict", TeamDev),
        Line("d2", "The two ministers agreed to meet again next month.", "none", "", "verbal_cooperation", TeamDev),
        Line("d3", "Shares in the retailer rose two percent on Monday.", "none", "", "statement", TeamDev2),
    ];

    private static EvaluationRequest Request(string task, string data, bool includeTrain = false) =>
        new(task, Shipped(task), [data]) { GazetteerPath = Gazetteer, IncludeTrainGroups = includeTrain };

    [Fact]
    public void Groups_AreOnTheExpectedSideOfTheSplit()
    {
        Assert.True(ThreatCorpusReader.IsDevGroup(TeamDev));
        Assert.True(ThreatCorpusReader.IsDevGroup(TeamDev2));
        Assert.True(ThreatCorpusReader.IsDevGroup(RealDev));
        Assert.False(ThreatCorpusReader.IsDevGroup(TeamTrain));
        Assert.False(ThreatCorpusReader.IsDevGroup(TeamTrain2));
        Assert.False(ThreatCorpusReader.IsDevGroup(RealTrain));
    }

    [Theory]
    [InlineData(ModelTasks.Threat)]
    [InlineData(ModelTasks.Interaction)]
    public async Task Evaluate_ByDefault_ScoresDevGroupsOnly(string task)
    {
        // A train-group item the model gets wrong (a calm sentence labelled high, a statement labelled material
        // conflict) must not move the default score.
        var devOnly = _dir.Write("dev/corpus.jsonl", string.Join('\n', DevLines));
        var withTrain = _dir.Write("all/corpus.jsonl", string.Join('\n', DevLines.Append(
            Line("t1", "The central bank left interest rates unchanged.", "high", "\"terrorism\"", "material_conflict", TeamTrain))));

        var dev = await TaskEvaluator.EvaluateAsync(Request(task, devOnly), CancellationToken.None);
        var byDefault = await TaskEvaluator.EvaluateAsync(Request(task, withTrain), CancellationToken.None);
        var included = await TaskEvaluator.EvaluateAsync(Request(task, withTrain, includeTrain: true), CancellationToken.None);

        Assert.Equal(3, byDefault.Report.Count);
        Assert.Equal(dev.Report.MacroF1, byDefault.Report.MacroF1);
        Assert.Equal(dev.Report.Accuracy, byDefault.Report.Accuracy);
        Assert.Equal(1, byDefault.TrainGroupExamplesLeftOut);
        Assert.False(byDefault.IncludesTrainGroups);
        Assert.Contains("dev groups only (1 train-group examples left out", EvaluationReportWriter.Markdown(byDefault), StringComparison.Ordinal);

        Assert.Equal(4, included.Report.Count);
        Assert.True(included.IncludesTrainGroups);
        Assert.Contains("train AND dev groups (--include-train)", EvaluationReportWriter.Markdown(included), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_OnlyTrainGroups_SaysSoInsteadOfScoringThem()
    {
        var data = _dir.Write("corpus.jsonl", Line("t1", "Gunmen attacked a police post.", "high", "\"terrorism\"", "material_conflict", TeamTrain));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TaskEvaluator.EvaluateAsync(Request(ModelTasks.Threat, data), CancellationToken.None));

        Assert.Contains("No dev-group examples", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ModelTasks.Threat)]
    [InlineData(ModelTasks.Interaction)]
    public async Task Evaluate_ReportsTeamDevAndEachRealFileApart(string task)
    {
        var folder = Path.Combine(_dir.Path, "corpus");
        _dir.Write("corpus/a-team.jsonl", string.Join('\n', DevLines));
        _dir.Write("corpus/r-cep.jsonl", string.Join('\n',
            Line("r1", "A suicide bomber killed nine people at a market in the capital.", "high", "\"terrorism\"", "material_conflict", RealDev),
            Line("r2", "The foreign minister welcomed the ceasefire talks.", "low", "\"armed_conflict\"", "verbal_cooperation", RealDev),
            Line("r3", "Troops raided a village and killed four militants.", "high", "\"armed_conflict\"", "material_conflict", RealTrain)));

        var evaluation = await TaskEvaluator.EvaluateAsync(Request(task, folder), CancellationToken.None);

        Assert.Equal(["team", "r-cep"], evaluation.Parts.Select(p => p.Name));
        Assert.Equal([3, 2], evaluation.Parts.Select(p => p.Report.Count));
        Assert.Equal(5, evaluation.Report.Count);
        var markdown = EvaluationReportWriter.Markdown(evaluation);
        Assert.Contains("| team | 3 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| r-cep | 2 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| pooled | 5 |", markdown, StringComparison.Ordinal);
        if (task == ModelTasks.Threat)
        {
            Assert.All(evaluation.Parts, p => Assert.NotNull(p.KindsMacroF1));
            Assert.NotNull(evaluation.KindsMacroF1);
            Assert.Contains("kinds macro-F1", markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KeywordRate_CountsTokensStartingWithAStem()
    {
        // 9 tokens; gunmen (gunm), killed (kill), wounded (wound), attack: 4 hits.
        Assert.Equal(4 / 9.0, ThreatKeywordBaseline.Rate("Gunmen killed two and wounded five in the attack."), precision: 12);
        Assert.Equal(0, ThreatKeywordBaseline.Rate("The ministers agreed."));
        Assert.Equal(0, ThreatKeywordBaseline.Rate("Skills, 2024!"));
        Assert.Equal(0, ThreatKeywordBaseline.Rate("…"));
        Assert.Equal(30, ThreatKeywordBaseline.Stems.Count);
    }

    [Fact]
    public void KeywordAuc_IsTheMannWhitneyStatistic()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ranked right.
        Assert.Equal(0.75, ThreatKeywordBaseline.Auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])!.Value, precision: 12);
        Assert.Equal(0.5, ThreatKeywordBaseline.Auc([0.5, 0.5], [true, false])!.Value, precision: 12);
        Assert.Null(ThreatKeywordBaseline.Auc([0.1, 0.2], [true, true]));
    }

    [Fact]
    public void KeywordFit_ChoosesThresholdsThatSeparateTheTrainLevels()
    {
        var train = new List<ThreatExample>
        {
            Example("The ministers agreed to meet.", "none"),
            Example("Shares rose on Monday.", "none"),
            Example("Gunmen killed two in an attack.", "high"),
            Example("A bomb killed five.", "high"),
        };

        var thresholds = ThreatKeywordBaseline.Fit(train)!;

        Assert.Equal(4, thresholds.TrainExamples);
        Assert.Equal(["none", "none", "high", "high"], train.Select(e => thresholds.Level(ThreatKeywordBaseline.Rate(e.Text))));
        Assert.Null(ThreatKeywordBaseline.Fit([Example("A bomb killed five.", "high")]));
    }

    [Fact]
    public async Task Evaluate_KeywordBaseline_IsFittedOnTrainGroupsAndScoredOnDev()
    {
        var folder = Path.Combine(_dir.Path, "kw");
        _dir.Write("kw/a-team.jsonl", string.Join('\n',
            Line("t1", "The ministers agreed to meet.", "none", "", "verbal_cooperation", TeamTrain),
            Line("t2", "Gunmen killed two in an attack.", "high", "\"terrorism\"", "material_conflict", TeamTrain2),
            Line("d1", "The council approved the budget.", "none", "", "statement", TeamDev),
            Line("d2", "A bomb attack killed five soldiers.", "high", "\"terrorism\"", "material_conflict", TeamDev)));
        _dir.Write("kw/r-cep.jsonl", string.Join('\n',
            Line("r1", "Rebels killed three villagers.", "high", "\"armed_conflict\"", "material_conflict", RealDev),
            // Calm words but labelled high: the keyword rule calls it none, so the keyword F1 of r-cep is not perfect.
            Line("r2", "The army moved into the northern province.", "high", "\"armed_conflict\"", "material_conflict", RealDev),
            Line("r3", "Talks resumed in Geneva.", "none", "", "verbal_cooperation", RealDev)));

        var evaluation = await TaskEvaluator.EvaluateAsync(Request(ModelTasks.Threat, folder), CancellationToken.None);

        var corpus = await ThreatCorpusReader.ReadAsync([folder], new Dictionary<string, string>(), CancellationToken.None);
        Assert.Equal(ThreatKeywordBaseline.Fit(corpus.Examples.Where(e => !ThreatCorpusReader.IsDev(e)).ToList()), evaluation.KeywordThresholds);
        var team = evaluation.Parts.Single(p => p.Name == "team");
        var cep = evaluation.Parts.Single(p => p.Name == "r-cep");
        Assert.Equal(1.0, team.KeywordReport!.Accuracy);
        Assert.Equal(1.0, team.KeywordThreatAuc!.Value);
        Assert.Equal(2 / 3.0, cep.KeywordReport!.Accuracy, precision: 12);
        // Gold high r1 (rate 2/4), r2 (0); none r3 (0): pairs (r1,r3) right, (r2,r3) tied: (1 + 0.5) / 2.
        Assert.Equal(0.75, cep.KeywordThreatAuc!.Value, precision: 12);
        Assert.Contains("keyword macro-F1", EvaluationReportWriter.Markdown(evaluation), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_CandidateWorseOnOneRealPart_IsWorseAndNamesThePart()
    {
        // Better pooled and on team dev, worse on r-cep beyond the tolerance.
        var candidate = Evaluation(pooled: (4, 4), ("team", 3, 3), ("r-cep", 0, 1), ("r-ucdp", 2, 2));
        var baseline = Evaluation(pooled: (3, 4), ("team", 2, 3), ("r-cep", 1, 1), ("r-ucdp", 2, 2));

        var comparison = new ModelComparison(candidate, baseline, Tolerance: 0.01) { MinimumGatedPartExamples = 1 };

        Assert.True(comparison.MacroF1Delta > 0);
        Assert.False(comparison.CandidateIsNotWorse);
        Assert.Equal(["r-cep"], comparison.WorseParts.Select(p => p.Name));
        Assert.Equal("candidate is worse on r-cep", comparison.Verdict);
        Assert.Contains("r-cep dev (1 examples)", comparison.WorseBecause(), StringComparison.Ordinal);
        Assert.Contains("WORSE", EvaluationReportWriter.ComparisonParts(comparison), StringComparison.Ordinal);
        Assert.True(new ModelComparison(candidate, baseline, Tolerance: 1.0) { MinimumGatedPartExamples = 1 }.CandidateIsNotWorse);
    }

    [Fact]
    public void Compare_PartUnderTheMinimumSize_IsReportedButDoesNotGate()
    {
        var candidate = Evaluation(pooled: (40, 40), ("team", 30, 30), ("r-wha", 0, 5));
        var baseline = Evaluation(pooled: (35, 40), ("team", 30, 30), ("r-wha", 5, 5));

        var comparison = new ModelComparison(candidate, baseline, Tolerance: 0);

        Assert.Equal(30, comparison.MinimumGatedPartExamples);
        Assert.True(comparison.CandidateIsNotWorse);
        Assert.Contains("r-wha", EvaluationReportWriter.ComparisonParts(comparison), StringComparison.Ordinal);
        Assert.Contains("not gated: under 30 examples", EvaluationReportWriter.ComparisonParts(comparison), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_CandidateWorseOnOneRealPart_IsRefusedNamingThePart()
    {
        // The same model as candidate and active: equal everywhere, so promoted with tolerance 0; a data set on which
        // only the r-cep part exists and a negative tolerance makes "equal" count as worse there, which the refusal names.
        var root = _dir.File("models");
        var active = Path.Combine(root, ModelTasks.Threat, "threat-20990101-aaaaaaaa");
        CopyFolder(Shipped(ModelTasks.Threat), active);
        Directory.CreateDirectory(Path.Combine(root, "actors"));
        File.Copy(Gazetteer, Path.Combine(root, "actors", "gazetteer.json"));
        ModelRegistry.Activate(root, ModelTasks.Threat, "threat-20990101-aaaaaaaa", TimeProvider.System);
        var candidate = _dir.File("threat-20990101-bbbbbbbb");
        CopyFolder(Shipped(ModelTasks.Threat), candidate);
        // 30 examples: the smallest part that gates (ModelComparison.DefaultMinimumGatedPartExamples).
        var data = _dir.Write("corpus/r-cep.jsonl", string.Join('\n', Enumerable.Range(1, 30).Select(i => i % 2 == 0
            ? Line($"r{i}", $"A suicide bomber killed {i} people at a market in the capital.", "high", "\"terrorism\"", "material_conflict", RealDev)
            : Line($"r{i}", $"The foreign minister welcomed the ceasefire talks on day {i}.", "low", "\"armed_conflict\"", "verbal_cooperation", RealDev))));
        var request = new EvaluationRequest(ModelTasks.Threat, candidate, [data]) { GazetteerPath = Gazetteer };

        var refused = await ModelPromotion.PromoteAsync(root, request, -0.01, force: false, TimeProvider.System, CancellationToken.None);
        var promoted = await ModelPromotion.PromoteAsync(root, request, 0, force: false, TimeProvider.System, CancellationToken.None);

        Assert.False(refused.Promoted);
        Assert.Contains("r-cep dev (30 examples)", refused.Message, StringComparison.Ordinal);
        Assert.True(promoted.Promoted);
    }

    private static ThreatExample Example(string text, string level) =>
        new("x", text, level, [], "statement", TeamTrain, "team", "test");

    /// <summary>An evaluation whose pooled data and parts have the given (correct, total) counts: gold all "high".</summary>
    private static TaskEvaluation Evaluation((int Correct, int Total) pooled, params (string Name, int Correct, int Total)[] parts)
    {
        return new TaskEvaluation(ModelTasks.Threat, "v", "dir", [], Report(pooled.Correct, pooled.Total), 0, [], [])
        {
            Parts = parts.Select(p => new EvaluationPart(p.Name, Report(p.Correct, p.Total))).ToList(),
        };

        static EvaluationReport Report(int correct, int total) => Evaluator.Evaluate(
            Enumerable.Repeat("high", total).ToList(),
            Enumerable.Range(0, total).Select(i => i < correct ? "high" : "none").ToList(),
            ThreatLabels.Levels);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
