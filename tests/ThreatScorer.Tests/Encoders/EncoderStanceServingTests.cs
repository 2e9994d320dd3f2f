using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Training;
using ThreatScorer.Encoders;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;
using Xunit.Abstractions;

namespace ThreatScorer.Tests.Encoders;

/// <summary>
/// The encoder stance kind served from the registry: the committed encoder versions (the stance teachers published with
/// <c>threatscorer models from-teacher</c>) over the packaged MiniLM, in a copy of the shipped models root.
/// </summary>
public sealed class EncoderStanceServingTests(ITestOutputHelper output) : IDisposable
{
    private const string Unmasked = "stance-20261128-8b29d9d2";
    private const string UnmaskedTeacher = "stance-teacher-20261128-8b29d9d2";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static StanceInput Mention(string sentence, string target, int occurrence = 0)
    {
        var at = -1;
        for (var i = 0; i <= occurrence; i++)
        {
            at = sentence.IndexOf(target, at + 1, StringComparison.Ordinal);
        }

        return new StanceInput(sentence, at, at + target.Length);
    }

    private static EncoderStanceModel LoadShipped(string version) =>
        Assert.IsType<EncoderStanceModel>(ShippedModels.StanceLoader.Load(Path.Combine(RepoPaths.Models, ModelTasks.Stance, version)));

    [Fact]
    public void SharedPass_OnePassPerSentence_GivesTheTeachersFeaturesAndLabels()
    {
        var served = LoadShipped(Unmasked);
        var teacher = StanceTeacher.Load(Path.Combine(RepoPaths.Models, StanceTeacher.TaskName, UnmaskedTeacher), ShippedModels.Hub.Packaged);
        const string a = "Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises";
        const string b = "The Russia-led bloc said Moscow's troops would stay, while Kabul's new rulers, the Taliban, denied it.";
        const string c = "Islamic State militants massacred dozens of villagers in northern Mali.";
        var inputs = new[]
        {
            Mention(a, "Russia"), Mention(a, "Tajikistan"), Mention(a, "Taliban"),
            Mention(b, "Russia"), Mention(b, "Moscow"), Mention(b, "Kabul"), Mention(b, "Taliban"),
            Mention(c, "Islamic State"),
        };

        var shared = served.Featurize(inputs, CancellationToken.None);
        var alone = new StanceFeaturizer(ShippedModels.Hub.Packaged).Featurize(inputs, null, CancellationToken.None);
        var servedLabels = served.PredictBatch(inputs, CancellationToken.None);
        var teacherLabels = teacher.PredictBatch(inputs, null, CancellationToken.None);

        Assert.Equal(3, served.Passes(inputs));
        for (var i = 0; i < inputs.Length; i++)
        {
            output.WriteLine($"{inputs[i].Sentence[inputs[i].From..inputs[i].To]}: served {servedLabels[i].Label} {servedLabels[i].PolarityScore:F3}, teacher {teacherLabels[i].Label} {teacherLabels[i].PolarityScore:F3}");
            Assert.Equal(TargetPooling.Length, shared[i].Length);
            Assert.Equal(alone[i], shared[i], (x, y) => Math.Abs(x - y) < 1e-4f);
            Assert.Equal(teacherLabels[i].Label, servedLabels[i].Label);
            Assert.Equal(teacherLabels[i].PolarityScore, servedLabels[i].PolarityScore, 3);
        }
    }

    [Fact]
    public void SentenceLongerThanTheEncoderTakes_GetsOnePassPerTarget_ClippedAsTheTeacherClipsIt()
    {
        var served = LoadShipped(Unmasked);
        var filler = string.Join(' ', Enumerable.Repeat("officials from several ministries attended the long meeting", 20));
        var sentence = $"France criticised Germany as {filler} and Italy stayed silent.";
        var inputs = new[] { Mention(sentence, "France"), Mention(sentence, "Germany"), Mention(sentence, "Italy") };

        var shared = served.Featurize(inputs, CancellationToken.None);
        var alone = new StanceFeaturizer(ShippedModels.Hub.Packaged).Featurize(inputs, null, CancellationToken.None);

        Assert.Equal(inputs.Length, served.Passes(inputs));
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(alone[i], shared[i], (x, y) => Math.Abs(x - y) < 1e-4f);
        }
    }

    [Fact]
    public void PredictBatch_WithASpanOutsideItsSentence_ThrowsAndNamesNothingElse()
    {
        var served = LoadShipped(Unmasked);

        Assert.Throws<ArgumentOutOfRangeException>(() => served.PredictBatch([new StanceInput("Short.", 2, 40)], CancellationToken.None));
        Assert.Empty(served.PredictBatch([], CancellationToken.None));
    }

    [Fact]
    public void EncoderVersionActive_ScoresTheSeedArticle_AndRollbackSwapsTheNgramModelBackIn()
    {
        var root = ModelsRootCopy();
        var ngram = ModelRegistry.ActiveVersion(root, ModelTasks.Stance)!;
        ModelRegistry.Activate(root, ModelTasks.Stance, Unmasked, stanceLoader: EncoderServices.StanceLoader(ShippedModels.Hub));
        var provider = ScoringModelProvider.Load(root, TimeProvider.System, NullLogger.Instance, ShippedModels.StanceLoader);
        var scorer = new ArticleScorer(new TextCleaner(), provider, TimeProvider.System);
        var article = Assert.Single(new ArticleFileReader().Read(RepoPaths.SeedArticle, ArticleLimits.Default)).Article!;

        var withEncoder = scorer.Score(article, new ArticleIdentity("a-seed", 1), ArticleLimits.Default, CancellationToken.None).Assessment!;

        Assert.IsType<EncoderStanceModel>(provider.Current.Stance);
        Assert.Equal(Unmasked, withEncoder.Models.Stance);
        Assert.Equal(PolarityLabels.Negative, Assert.Single(withEncoder.Actors, x => x.ActorId == "GRP.TALIBAN").Label);
        Assert.All(withEncoder.Actors, x => Assert.Equal(1.0, x.Probabilities.Values.Sum(), 3));

        // The fallback: the n-gram version the encoder replaced comes back by the registry's rollback, without a restart.
        ModelRegistry.Rollback(root, ModelTasks.Stance, stanceLoader: EncoderServices.StanceLoader(ShippedModels.Hub));
        Assert.True(provider.RefreshIfChanged(force: true));
        var withNgram = scorer.Score(article, new ArticleIdentity("a-seed", 1), ArticleLimits.Default, CancellationToken.None).Assessment!;

        Assert.IsType<StanceModel>(provider.Current.Stance);
        Assert.Equal(ngram, withNgram.Models.Stance);
        Assert.Equal(withEncoder.Actors.Select(x => x.ActorId).Order(), withNgram.Actors.Select(x => x.ActorId).Order());
    }

    [Fact]
    public void EncoderFileInTheVersionFolder_IsServedInsteadOfThePackagedOne()
    {
        // The shape a fine-tuned export takes: encoder.onnx + vocab.txt beside the head. Here they are the packaged
        // encoder's own files, so the predictions must be the packaged path's.
        var root = ModelsRootCopy();
        var dir = Path.Combine(root, ModelTasks.Stance, Unmasked);
        var metrics = Path.Combine(dir, ModelRegistry.MetricsFileName);
        File.WriteAllText(metrics, File.ReadAllText(metrics).Replace("\"kind\":", "\"encoderFile\": \"encoder.onnx\",\n  \"kind\":", StringComparison.Ordinal));
        File.WriteAllBytes(Path.Combine(dir, "encoder.onnx"), MiniLmEncoder.PackagedFile("model.onnx"));
        File.WriteAllBytes(Path.Combine(dir, "vocab.txt"), MiniLmEncoder.PackagedFile("vocab.txt"));
        using var hub = new EncoderHub(intraOpThreads: 1);
        const string sentence = "The Taliban attacked a checkpoint, and Pakistan condemned the raid.";
        StanceInput[] inputs = [Mention(sentence, "Taliban"), Mention(sentence, "Pakistan")];

        var own = Assert.IsType<EncoderStanceModel>(EncoderServices.StanceLoader(hub).Load(dir));
        var packaged = LoadShipped(Unmasked);

        Assert.NotSame(hub.Packaged, own.Encoder);
        Assert.Same(own.Encoder, Assert.IsType<EncoderStanceModel>(EncoderServices.StanceLoader(hub).Load(dir)).Encoder);
        Assert.Equal(
            packaged.PredictBatch(inputs, CancellationToken.None).Select(p => Math.Round(p.PolarityScore, 3)),
            own.PredictBatch(inputs, CancellationToken.None).Select(p => Math.Round(p.PolarityScore, 3)));
    }

    [Fact]
    public void EncoderVersion_WithoutTheEncoderKind_FailsNamingTheFolderAndTheKind()
    {
        var dir = Path.Combine(RepoPaths.Models, ModelTasks.Stance, Unmasked);

        var viaLoader = Assert.Throws<ModelLoadException>(() => StanceModelLoader.NgramOnly.Load(dir));
        var viaNgram = Assert.Throws<ModelLoadException>(() => StanceModel.Load(dir));

        Assert.Contains(dir, viaLoader.Message, StringComparison.Ordinal);
        Assert.Contains("'encoder' stance model", viaLoader.Message, StringComparison.Ordinal);
        Assert.Contains("'encoder' stance model", viaNgram.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("corrupt")]
    [InlineData("outside")]
    public void EncoderFile_MissingCorruptOrOutsideTheFolder_FailsAtLoadNamingThePath(string fault)
    {
        var root = ModelsRootCopy();
        var dir = Path.Combine(root, ModelTasks.Stance, Unmasked);
        var metrics = Path.Combine(dir, ModelRegistry.MetricsFileName);
        var name = fault == "outside" ? "../encoder.onnx" : "encoder.onnx";
        File.WriteAllText(metrics, File.ReadAllText(metrics).Replace("\"kind\":", $"\"encoderFile\": \"{name}\",\n  \"kind\":", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
        if (fault == "corrupt")
        {
            File.WriteAllBytes(Path.Combine(dir, "encoder.onnx"), [1, 2, 3, 4, 5]);
        }

        var error = Assert.Throws<ModelLoadException>(() => ShippedModels.StanceLoader.Load(dir));

        output.WriteLine(error.Message);
        Assert.Contains(fault == "outside" ? metrics : Path.Combine(dir, "encoder.onnx"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_WithACorruptEncoderInTheActiveStanceVersion_ExitsThree()
    {
        var root = ModelsRootCopy();
        var dir = Path.Combine(root, ModelTasks.Stance, Unmasked);
        // Activated while sound (activation refuses a version that does not load), then damaged on disk.
        ModelRegistry.Activate(root, ModelTasks.Stance, Unmasked, stanceLoader: EncoderServices.StanceLoader(ShippedModels.Hub));
        var metrics = Path.Combine(dir, ModelRegistry.MetricsFileName);
        File.WriteAllText(metrics, File.ReadAllText(metrics).Replace("\"kind\":", "\"encoderFile\": \"encoder.onnx\",\n  \"kind\":", StringComparison.Ordinal));
        File.WriteAllBytes(Path.Combine(dir, "encoder.onnx"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
        string[] args =
        [
            $"--ThreatScorer:Inbox:Folders:0={Directory.CreateDirectory(_dir.File("inbox")).FullName}",
            $"--ThreatScorer:Store:SqlitePath={_dir.File("scores.db")}",
            $"--ThreatScorer:Models:Root={root}",
            "--ThreatScorer:Schedule:RunOnce=true",
        ];

        using (var failing = ThreatScorerHost.CreateBuilder(args).Build())
        {
            var error = await Assert.ThrowsAsync<ModelLoadException>(() => failing.StartAsync());
            Assert.Contains(Path.Combine(dir, "encoder.onnx"), error.Message, StringComparison.Ordinal);
        }

        using var host = ThreatScorerHost.CreateBuilder(args).Build();
        Assert.Equal(3, await ThreatScorerHost.RunAsync(host));
    }

    [Fact]
    public void Int8Version_QuantisesTheEncoderAtLoad_AndStaysCloseToTheFloatOne()
    {
        var quantised = LoadShipped("stance-20261128-199310e4");
        var full = LoadShipped(Unmasked);
        var (_, matrices) = EncoderQuantization.Int8Dynamic(MiniLmEncoder.PackagedFile("model.onnx"));
        const string a = "Rebels shelled the city overnight, and the government promised to protect civilians.";
        const string b = "The Red Cross delivered medicine to the flooded villages.";
        StanceInput[] inputs = [Mention(a, "Rebels"), Mention(a, "government"), Mention(b, "Red Cross")];

        var q = quantised.Featurize(inputs, CancellationToken.None);
        var f = full.Featurize(inputs, CancellationToken.None);

        Assert.Same(ShippedModels.Hub.PackagedInt8, quantised.Encoder);
        Assert.NotSame(full.Encoder, quantised.Encoder);
        Assert.Equal(36, matrices); // 6 layers × (Q, K, V, attention output, FFN in, FFN out)
        for (var i = 0; i < inputs.Length; i++)
        {
            // The pooled vectors move a little (the head's scores by up to ~0.15 here); a wrong scale or layout would
            // scramble them. Dev macro-F1 of the int8 version is in its metrics.json (within noise of the float one).
            var cosine = Cosine(q[i], f[i]);
            output.WriteLine($"{inputs[i].Sentence[inputs[i].From..inputs[i].To]}: cosine {cosine:F4}");
            Assert.InRange(cosine, 0.98, 1.0001);
            Assert.False(q[i].SequenceEqual(f[i]), "the int8 encoder must not be the float one");
        }
    }

    private static double Cosine(float[] x, float[] y)
    {
        double dot = 0, xx = 0, yy = 0;
        for (var k = 0; k < x.Length; k++)
        {
            dot += x[k] * y[k];
            xx += x[k] * x[k];
            yy += y[k] * y[k];
        }

        return dot / Math.Sqrt(xx * yy);
    }

    [Theory]
    [InlineData("\"encoderQuantization\": \"int4\",")]
    [InlineData("\"encoderQuantization\": 8,")]
    [InlineData("\"encoderFile\": \"\",")]
    public void EncoderSettings_Invalid_FailAtLoadNamingMetricsJson(string setting)
    {
        var root = ModelsRootCopy();
        var dir = Path.Combine(root, ModelTasks.Stance, Unmasked);
        var metrics = Path.Combine(dir, ModelRegistry.MetricsFileName);
        File.WriteAllText(metrics, File.ReadAllText(metrics).Replace("\"kind\":", setting + "\n  \"kind\":", StringComparison.Ordinal));

        var error = Assert.Throws<ModelLoadException>(() => ShippedModels.StanceLoader.Load(dir));

        Assert.Contains(metrics, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"kind\": \"transformer\"", "'transformer' stance model")]
    [InlineData("\"kind\": 3", "'kind' must be a non-empty string")]
    public void StanceVersion_OfAnUnknownOrMalformedKind_FailsNamingWhy(string kind, string expected)
    {
        var root = ModelsRootCopy();
        var dir = Path.Combine(root, ModelTasks.Stance, Unmasked);
        var metrics = Path.Combine(dir, ModelRegistry.MetricsFileName);
        File.WriteAllText(metrics, File.ReadAllText(metrics).Replace("\"kind\": \"encoder\"", kind, StringComparison.Ordinal));

        var error = Assert.Throws<ModelLoadException>(() => ShippedModels.StanceLoader.Load(dir));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(dir, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(65, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public void EncoderThreads_OutsideOneTo64_IsNamedAtStart(int threads, bool valid)
    {
        var options = new Core.Configuration.ThreatScorerOptions();
        options.Models.Root = RepoPaths.Models;
        options.Models.EncoderThreads = threads;

        var result = new Core.Configuration.ThreatScorerOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains($"ThreatScorer:Models:EncoderThreads must be between 1 and 64 (got {threads})", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FromTeacher_PublishesAStanceVersionWithTheTeachersHead_AndInt8AsAnotherVersion()
    {
        var root = Directory.CreateDirectory(_dir.File("fresh-models")).FullName;
        var teacher = Path.Combine(RepoPaths.Models, StanceTeacher.TaskName, UnmaskedTeacher);

        var plain = await EncoderStanceVersions.FromTeacherAsync(teacher, root, quantise: false, [], ShippedModels.Hub, activate: true, CancellationToken.None);
        var int8 = await EncoderStanceVersions.FromTeacherAsync(teacher, root, quantise: true, [], ShippedModels.Hub, activate: false, CancellationToken.None);

        Assert.Equal(Unmasked, Path.GetFileName(plain));
        Assert.Equal(Unmasked, ModelRegistry.ActiveVersion(root, ModelTasks.Stance));
        Assert.Equal(File.ReadAllBytes(Path.Combine(teacher, ModelRegistry.ModelFileName)), File.ReadAllBytes(Path.Combine(plain, ModelRegistry.ModelFileName)));
        Assert.Equal(EncoderStanceModel.Kind, StanceModelLoader.KindOf(plain));
        Assert.NotEqual(Path.GetFileName(plain), Path.GetFileName(int8));
        Assert.StartsWith("stance-20261128-", Path.GetFileName(int8), StringComparison.Ordinal);
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(int8, ModelRegistry.MetricsFileName)));
        Assert.Equal("int8", metrics.RootElement.GetProperty("encoderQuantization").GetString());
        Assert.False(metrics.RootElement.TryGetProperty("dev", out _), "the teacher's dev numbers are not the int8 model's");
        Assert.Equal(UnmaskedTeacher, metrics.RootElement.GetProperty("teacherVersion").GetString());
    }

    [Fact]
    public async Task Cli_ScoresWithTheActiveEncoderVersion_AndACorruptEncoderExitsThreeNamingThePath()
    {
        var root = ModelsRootCopy();
        ModelRegistry.Activate(root, ModelTasks.Stance, Unmasked, stanceLoader: EncoderServices.StanceLoader(ShippedModels.Hub));

        var (exit, stdout, stderr) = await RunCliAsync("score", RepoPaths.SeedArticle, "--models", root, "--format", "json");

        Assert.True(exit == 0, stderr);
        using (var assessment = System.Text.Json.JsonDocument.Parse(stdout))
        {
            Assert.Equal(Unmasked, assessment.RootElement.GetProperty("models").GetProperty("stance").GetString());
        }

        var dir = Path.Combine(root, ModelTasks.Stance, Unmasked);
        var metrics = Path.Combine(dir, ModelRegistry.MetricsFileName);
        File.WriteAllText(metrics, File.ReadAllText(metrics).Replace("\"kind\":", "\"encoderFile\": \"encoder.onnx\",\n  \"kind\":", StringComparison.Ordinal));
        File.WriteAllBytes(Path.Combine(dir, "encoder.onnx"), [0x08, 0x07, 0x12]);
        File.WriteAllText(Path.Combine(dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");

        (exit, _, stderr) = await RunCliAsync("score", RepoPaths.SeedArticle, "--models", root);

        Assert.Equal(3, exit);
        Assert.Contains(Path.Combine(dir, "encoder.onnx"), stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "threatscorer.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [SharedDataFact("newsmtsc/dev-rw.jsonl")]
    public async Task Evaluate_ServedEncoderVersion_EqualsTheTeachersRecordedDevScore()
    {
        var dir = Path.Combine(RepoPaths.Models, ModelTasks.Stance, Unmasked);
        var request = new EvaluationRequest(ModelTasks.Stance, dir, [Path.Combine(RepoPaths.SharedData, "newsmtsc", "dev-rw.jsonl")])
        {
            StanceLoader = ShippedModels.StanceLoader,
        };
        using var teacherMetrics = System.Text.Json.JsonDocument.Parse(
            await File.ReadAllTextAsync(Path.Combine(RepoPaths.Models, StanceTeacher.TaskName, UnmaskedTeacher, ModelRegistry.MetricsFileName)));
        var recorded = teacherMetrics.RootElement.GetProperty("dev").GetProperty("dev-rw.jsonl").GetProperty("macroF1").GetDouble();

        var evaluation = await TaskEvaluator.EvaluateAsync(request, CancellationToken.None);

        output.WriteLine($"served {evaluation.Report.MacroF1:F4}, teacher recorded {recorded:F4}");
        Assert.Equal(Unmasked, evaluation.Version);
        Assert.Equal(recorded, evaluation.Report.MacroF1, 0.005);
    }

    // The shipped root without the teachers and with only the n-gram ACTIVE stance version and the unmasked encoder one.
    private string ModelsRootCopy()
    {
        var root = Directory.CreateDirectory(_dir.File("models")).FullName;
        var active = ModelRegistry.ActiveVersion(RepoPaths.Models, ModelTasks.Stance)!;
        foreach (var source in Directory.EnumerateFiles(RepoPaths.Models, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Models, source);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts[0] == StanceTeacher.TaskName
                || (parts[0] == ModelTasks.Stance && parts.Length > 2 && parts[1] != active && parts[1] != Unmasked)
                || (parts[0] == ModelTasks.Stance && parts[^1] == ModelRegistry.HistoryFileName))
            {
                continue;
            }

            var target = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        return root;
    }
}
