using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;
using ThreatScorer.Encoders;
using ThreatScorer.FineTune;
using ThreatScorer.FineTune.Onnx;
using ThreatScorer.FineTune.Training;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Encoders;

/// <summary>
/// The encoder stance kind with a fine-tuned export's linear head (<c>"head": "linear-json"</c>): the committed version
/// (<c>threatscorer models from-finetuned --int8</c>), and parity with the fine-tuning tool's own ONNX evaluation.
/// </summary>
public sealed class FineTunedStanceServingTests : IDisposable
{
    private const string FineTuned = "stance-20261208-8185b752";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Shipped => Path.Combine(RepoPaths.Models, ModelTasks.Stance, FineTuned);

    // Sentences with several targets each (so the shared pass is what is compared), and one target alone.
    private static readonly NewsMtscRecord[] Sentences =
    [
        Record("The Taliban attacked a checkpoint, and Pakistan condemned the raid.", "Taliban"),
        Record("The Taliban attacked a checkpoint, and Pakistan condemned the raid.", "Pakistan"),
        Record("Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises", "Russia"),
        Record("Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises", "Tajikistan"),
        Record("Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises", "Taliban"),
        Record("Senator Warren praised the bill, calling it a win for working families.", "Warren"),
        Record("“He was willing to meet with industry,” said the mayor of Lisbon.", "Lisbon"),
    ];

    private static NewsMtscRecord Record(string sentence, string mention)
    {
        var from = sentence.IndexOf(mention, StringComparison.Ordinal);
        return new NewsMtscRecord($"{mention}@{from}", sentence, mention, from, from + mention.Length, 0);
    }

    // What `threatscorer-finetune evaluate` computes: its own tokenisation (StanceExamples, one input per target), its
    // own ONNX Runtime runner, head.json's Logits.
    private static float[][] FineTuneEvaluateLogits(byte[] onnx, StanceHead head, IReadOnlyList<NewsMtscRecord> records)
    {
        var tokenizer = MiniLmPackage.CreateTokenizer();
        var examples = records.Select(r => StanceExamples.From(tokenizer, r)).ToList();
        using var encoder = MiniLmEncoder.FromModel(onnx, intraOpThreads: 1);
        var states = encoder.Run(examples.Select(e => e.Ids).ToList());
        return examples.Select((e, i) => head.Logits(states[i], e.Ids.Length, e.TargetStart, e.TargetEnd)).ToArray();
    }

    private static float[][] ServedLogits(string versionDir, IReadOnlyList<NewsMtscRecord> records, EncoderHub hub)
    {
        var model = Assert.IsType<EncoderStanceModel>(EncoderServices.StanceLoader(hub).Load(versionDir));
        return model.Logits(records.Select(r => new StanceInput(r.Sentence, r.From, r.To)).ToList(), CancellationToken.None);
    }

    // A linear-json version folder over the given encoder bytes and the committed head.json.
    private string Version(string name, byte[] encoder, string? head = null)
    {
        var dir = Directory.CreateDirectory(_dir.File(Path.Combine("models", ModelTasks.Stance, name))).FullName;
        File.WriteAllText(Path.Combine(dir, ModelRegistry.MetricsFileName), $$"""
            { "task": "stance", "version": "{{name}}", "kind": "encoder", "head": "linear-json", "encoderFile": "encoder.onnx" }
            """);
        File.WriteAllBytes(Path.Combine(dir, "encoder.onnx"), encoder);
        File.WriteAllBytes(Path.Combine(dir, "vocab.txt"), MiniLmEncoder.PackagedFile("vocab.txt"));
        File.WriteAllText(Path.Combine(dir, "head.json"), head ?? File.ReadAllText(Path.Combine(Shipped, "head.json")));
        return dir;
    }

    [Fact]
    public void CommittedVersion_LoadsAsTheEncoderKindWithALinearHead_AndScoresTheSeedArticle()
    {
        Assert.True(new FileInfo(Path.Combine(Shipped, "encoder.onnx")).Length < 30_000_000, "the committed encoder must stay small enough for git");
        var root = ModelsRootCopy();
        ModelRegistry.Activate(root, ModelTasks.Stance, FineTuned, stanceLoader: ShippedModels.StanceLoader);
        var provider = Core.Scoring.ScoringModelProvider.Load(root, TimeProvider.System, null, ShippedModels.StanceLoader);
        var scorer = new Core.Scoring.ArticleScorer(new Core.Cleaning.TextCleaner(), provider, TimeProvider.System);
        var article = Assert.Single(new ArticleFileReader().Read(RepoPaths.SeedArticle, ArticleLimits.Default)).Article!;

        var assessment = scorer.Score(article, new Core.Scoring.ArticleIdentity("a-seed", 1), ArticleLimits.Default, CancellationToken.None).Assessment!;

        var model = Assert.IsType<EncoderStanceModel>(provider.Current.Stance);
        Assert.False(model.MaskTarget);
        Assert.Equal(FineTuned, assessment.Models.Stance);
        Assert.Equal(PolarityLabels.Negative, Assert.Single(assessment.Actors, x => x.ActorId == "GRP.TALIBAN").Label);
        Assert.All(assessment.Actors, x =>
        {
            Assert.Contains(x.Label, PolarityLabels.All);
            Assert.Equal(1.0, x.Probabilities.Values.Sum(), 3);
        });
    }

    [Fact]
    public void FloatEncoder_ServedLogits_EqualTheFineTuneEvaluateLogits_AndInt8OnDiskStaysClose()
    {
        // The packaged float graph stands in for the 87 MiB fine-tuned one (same graph, other weights; not in git):
        // parity is about the pooling, masks, class order and the shared pass, which the weights do not change.
        var onnx = MiniLmEncoder.PackagedFile("model.onnx");
        var head = StanceHead.Parse(File.ReadAllText(Path.Combine(Shipped, "head.json")), "head.json");
        var expected = FineTuneEvaluateLogits(onnx, head, Sentences);
        var (int8, matrices, tables) = EncoderQuantization.Int8ForDisk(onnx);
        using var hub = new EncoderHub(intraOpThreads: 1);

        var served = ServedLogits(Version("stance-20261208-0000f10a", onnx), Sentences, hub);
        var quantised = ServedLogits(Version("stance-20261208-00001a78", int8), Sentences, hub);

        Assert.Equal((36, 1), (matrices, tables));
        Assert.True(int8.Length < 30_000_000, $"{int8.Length} bytes");
        for (var i = 0; i < Sentences.Length; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(expected[i][c], served[i][c], 1e-4f);
                Assert.Equal(expected[i][c], quantised[i][c], 0.1f);
            }
        }
    }

    [Fact]
    public void CommittedInt8Version_ServedLogits_EqualTheFineTuneEvaluateLogitsOnItsOwnFile()
    {
        var onnx = File.ReadAllBytes(Path.Combine(Shipped, "encoder.onnx"));
        var head = StanceHead.Parse(File.ReadAllText(Path.Combine(Shipped, "head.json")), "head.json");
        var expected = FineTuneEvaluateLogits(onnx, head, Sentences);
        using var hub = new EncoderHub(intraOpThreads: 1);

        var served = ServedLogits(Shipped, Sentences, hub);

        for (var i = 0; i < Sentences.Length; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(expected[i][c], served[i][c], 1e-3f);
            }
        }

        // Probabilities are the softmax of the logits, in negative / neutral / positive order (same batch: int8
        // activations are quantised per batch, so another batch moves the logits by ~1e-2).
        var model = Assert.IsType<EncoderStanceModel>(EncoderServices.StanceLoader(hub).Load(Shipped));
        StanceInput[] one = [new StanceInput(Sentences[0].Sentence, Sentences[0].From, Sentences[0].To)];
        var prediction = model.PredictBatch(one, CancellationToken.None)[0];
        var logits = model.Logits(one, CancellationToken.None)[0];
        var exp = logits.Select(l => Math.Exp(l - logits.Max())).ToArray();
        Assert.Equal(exp[0] / exp.Sum(), prediction.Probabilities[PolarityLabels.Negative], 4);
        Assert.Equal(exp[2] / exp.Sum(), prediction.Probabilities[PolarityLabels.Positive], 4);
    }

    [Fact]
    public async Task FromFineTuned_Int8_PublishesASmallEncoderWithTheHeadAndVocabulary_ThatLoads()
    {
        var export = Directory.CreateDirectory(_dir.File("export")).FullName;
        File.WriteAllBytes(Path.Combine(export, "model.onnx"), MiniLmEncoder.PackagedFile("model.onnx"));
        File.Copy(Path.Combine(Shipped, "head.json"), Path.Combine(export, "head.json"));
        File.WriteAllText(Path.Combine(export, ModelRegistry.MetricsFileName), """
            { "task": "stance-finetuned", "version": "stance-finetuned-20261208-0123abcd", "createdUtc": "2026-12-08T04:03:49Z",
              "seed": 2, "fingerprint": "0123abcd0123abcd", "hyperparameters": { "epochs": 2 }, "trainFiles": ["train.jsonl"] }
            """);
        File.WriteAllText(Path.Combine(export, ModelRegistry.CardFileName), "# Model card: stance-finetuned\n\n## Training\n\n- AdamW\n");
        var root = Directory.CreateDirectory(_dir.File("published")).FullName;
        using var hub = new EncoderHub(intraOpThreads: 1);

        var dir = await FineTunedStanceVersions.FromFineTunedAsync(export, root, quantise: true, [], hub, activate: false, CancellationToken.None);

        Assert.StartsWith("stance-20261208-", Path.GetFileName(dir), StringComparison.Ordinal);
        Assert.NotEqual("stance-20261208-0123abcd", Path.GetFileName(dir));
        Assert.InRange(new FileInfo(Path.Combine(dir, "encoder.onnx")).Length, 20_000_000, 30_000_000);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Shipped, "head.json")), File.ReadAllBytes(Path.Combine(dir, "head.json")));
        Assert.Equal(MiniLmEncoder.PackagedFile("vocab.txt"), File.ReadAllBytes(Path.Combine(dir, "vocab.txt")));
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ModelRegistry.MetricsFileName)));
        Assert.Equal("encoder", metrics.RootElement.GetProperty("kind").GetString());
        Assert.Equal("linear-json", metrics.RootElement.GetProperty("head").GetString());
        Assert.Equal("2026-12-08T04:03:49Z", metrics.RootElement.GetProperty("createdUtc").GetString());
        Assert.False(metrics.RootElement.TryGetProperty("encoderQuantization", out _)); // already quantised: not again at load
        var card = File.ReadAllText(Path.Combine(dir, ModelRegistry.CardFileName));
        Assert.Contains("MIT", card, StringComparison.Ordinal);
        Assert.Contains("AdamW", card, StringComparison.Ordinal);
        Assert.IsType<EncoderStanceModel>(EncoderServices.StanceLoader(hub).Load(dir));
    }

    [Theory]
    [InlineData("hidden", "\"hidden\"")]
    [InlineData("bias", "\"bias\"")]
    [InlineData("labels", "\"labels\"")]
    [InlineData("row", "row 0")]
    [InlineData("json", "invalid JSON")]
    public void HeadJson_Faults_FailAtLoadNamingTheFileAndTheField(string fault, string expected)
    {
        var good = File.ReadAllText(Path.Combine(Shipped, "head.json"));
        var head = fault switch
        {
            "hidden" => StanceHead.FromFlat(new float[3 * 2 * 16], [0, 0, 0], hidden: 16).ToJson(),
            "bias" => good.Replace("\"bias\":[", "\"bias\":[0.5,", StringComparison.Ordinal),
            "labels" => good.Replace("[\"negative\",\"neutral\",\"positive\"]", "[\"positive\",\"neutral\",\"negative\"]", StringComparison.Ordinal),
            "row" => good.Replace("],[", ",0.5],[", StringComparison.Ordinal),
            _ => good[..100],
        };
        Assert.NotEqual(good, head);
        var dir = Version("stance-20261208-0000bad0", MiniLmEncoder.PackagedFile("model.onnx"), head);
        using var hub = new EncoderHub(intraOpThreads: 1);

        var error = Assert.Throws<ModelLoadException>(() => EncoderServices.StanceLoader(hub).Load(dir));

        Assert.Equal(Path.Combine(dir, "head.json"), error.ModelPath);
        Assert.Contains(Path.Combine(dir, "head.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_VersionWithoutHeadJson_ExitsThreeNamingThePath()
    {
        var root = ModelsRootCopy();
        var headPath = Path.Combine(root, ModelTasks.Stance, FineTuned, "head.json");
        File.Delete(headPath);
        File.WriteAllText(Path.Combine(root, ModelTasks.Stance, ModelRegistry.ActiveFileName), FineTuned + "\n");

        var (exit, stderr) = await RunCliAsync("score", RepoPaths.SeedArticle, "--models", root);

        Assert.Equal(3, exit);
        Assert.Contains(headPath, stderr, StringComparison.Ordinal);
    }

    // The shipped models root without the teachers and the other stance versions (the n-gram stays ACTIVE).
    private string ModelsRootCopy()
    {
        var root = Directory.CreateDirectory(_dir.File("models-root")).FullName;
        var active = ModelRegistry.ActiveVersion(RepoPaths.Models, ModelTasks.Stance)!;
        foreach (var source in Directory.EnumerateFiles(RepoPaths.Models, "*", SearchOption.AllDirectories))
        {
            var parts = Path.GetRelativePath(RepoPaths.Models, source).Split(Path.DirectorySeparatorChar);
            if (parts[0] == StanceTeacher.TaskName || (parts[0] == ModelTasks.Stance && parts.Length > 2 && parts[1] != FineTuned && parts[1] != active)
                || (parts[0] == ModelTasks.Stance && parts[^1] == ModelRegistry.HistoryFileName))
            {
                continue;
            }

            var target = Path.Combine(root, Path.GetRelativePath(RepoPaths.Models, source));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        return root;
    }

    private static async Task<(int Exit, string Stderr)> RunCliAsync(params string[] args)
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
        await stdout;
        return (process.ExitCode, await stderr);
    }
}
