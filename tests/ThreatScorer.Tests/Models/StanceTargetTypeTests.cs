using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Models;

/// <summary>The stance target-type feature: the target's actor type as a token beside the masked target.</summary>
public sealed class StanceTargetTypeTests : IDisposable
{
    private static readonly string Gazetteer = Path.Combine(RepoPaths.Models, "actors", "gazetteer.json");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ts-type-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("The Taliban seized another district on Sunday.", "Taliban", ActorType.ArmedGroup)]
    [InlineData("Russia vows to shield Tajikistan.", "Russia", ActorType.State)]
    [InlineData("The United Nations sent food to the camps.", "United Nations", ActorType.Igo)]
    [InlineData("Someone left the door open.", "Someone", ActorType.Unknown)]
    public void Annotate_GivesTheTypeOfTheRecognisedActorUnderTheSpan(string sentence, string mention, ActorType expected)
    {
        var types = StanceTargetTypes.Load(Gazetteer);
        var from = sentence.IndexOf(mention, StringComparison.Ordinal);

        var typed = types.Annotate(new StanceInput(sentence, from, from + mention.Length));

        Assert.Equal(expected, typed.TargetType);
    }

    [Fact]
    public void Annotate_KeepsATypeTheCallerGave()
    {
        var types = StanceTargetTypes.Load(Gazetteer);

        var typed = types.Annotate(new StanceInput("The Taliban seized a district.", 4, 11, ActorType.Person));

        Assert.Equal(ActorType.Person, typed.TargetType);
    }

    [Fact]
    public void Features_AddTheTypeTokenOnlyWhenTheModelUsesIt()
    {
        var input = new StanceInput("The Taliban seized a district.", 4, 11, ActorType.ArmedGroup);

        var with = TextFeatures.Stance(input, new StanceFeatures(6, 12, MaskTarget: true, TargetType: true));
        var without = TextFeatures.Stance(input, new StanceFeatures(6, 12, MaskTarget: true));

        Assert.Equal("xxtarget xxtypearmedgroup", with.Mention);
        Assert.Equal("xxtarget", without.Mention);
        Assert.Equal(without.Marked, with.Marked);
    }

    [Fact]
    public void Load_WithoutAGazetteerBesideTheModelsRoot_NamesWhereItLooked_AndTakesAGivenPath()
    {
        var root = TrainTypeOnlyModel(out var version);

        var directory = Path.Combine(root, ModelTasks.Stance, version);

        var error = Assert.Throws<ModelLoadException>(() => StanceModel.Load(directory));
        var given = StanceModel.Load(directory, Gazetteer);

        Assert.Contains(Path.Combine(root, "actors", "gazetteer.json"), error.Message, StringComparison.Ordinal);
        Assert.Equal(PolarityLabels.Negative, Predict(given, "Hezbollah"));
    }

    [Fact]
    public void Train_WithTargetType_LearnsAPriorPerKindOfActor_NotPerName()
    {
        var root = TrainTypeOnlyModel(out var version);
        Directory.CreateDirectory(Path.Combine(root, "actors"));
        File.Copy(Gazetteer, Path.Combine(root, "actors", "gazetteer.json"));
        var directory = Path.Combine(root, ModelTasks.Stance, version);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "metrics.json")));

        var model = StanceModel.Load(directory);

        Assert.True(metrics.RootElement.GetProperty("hyperparameters").GetProperty("targetType").GetBoolean());
        Assert.True(model.UsesTargetType);
        Assert.Contains("Target's actor type", File.ReadAllText(Path.Combine(directory, "model-card.md")), StringComparison.Ordinal);
        // Names never seen in training: only their kind (found in the gazetteer) tells them apart.
        Assert.Equal(PolarityLabels.Negative, Predict(model, "Hezbollah"));
        Assert.Equal(PolarityLabels.Positive, Predict(model, "ECOWAS"));
        // A type given by the caller wins over the gazetteer.
        const string sentence = "Reporters asked about Hezbollah at the briefing.";
        var from = sentence.IndexOf("Hezbollah", StringComparison.Ordinal);
        Assert.Equal(PolarityLabels.Positive, model.Predict(new StanceInput(sentence, from, from + 9, ActorType.Igo)).Label);
    }

    [Fact]
    public void Train_WithTargetType_PutsTheGazetteerInTheFingerprint_SoAChangedOneIsANewVersion()
    {
        var first = TrainTypeOnlyModel(out var version);
        Directory.CreateDirectory(_root);
        var edited = Path.Combine(_root, "edited-gazetteer.json");
        // Same content re-serialised with different whitespace: other bytes, so another fingerprint.
        File.WriteAllText(edited, JsonSerializer.Serialize(JsonDocument.Parse(File.ReadAllText(Gazetteer)).RootElement));

        TrainTypeOnlyModel(edited, out var other);

        Assert.NotEqual(version, other);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, ModelTasks.Stance, version, "metrics.json")));
        Assert.Equal("gazetteer.json", Assert.Single(metrics.RootElement.GetProperty("featureFiles").EnumerateArray()).GetProperty("name").GetString());
        Assert.Contains("- `gazetteer.json`", File.ReadAllText(Path.Combine(first, ModelTasks.Stance, version, "model-card.md")), StringComparison.Ordinal);
    }

    private static string Predict(StanceModel model, string name)
    {
        var sentence = $"Reporters asked about {name} at the briefing.";
        var from = sentence.IndexOf(name, StringComparison.Ordinal);
        return model.Predict(sentence, from, from + name.Length).Label;
    }

    // Identical sentences where only the kind of actor decides the label: armed groups negative, IGOs positive,
    // people neutral. With the target masked, nothing but the type token can separate them.
    private string TrainTypeOnlyModel(out string version) => TrainTypeOnlyModel(Gazetteer, out version);

    private string TrainTypeOnlyModel(string gazetteer, out string version)
    {
        string[] armed = ["Taliban", "Islamic State", "Boko Haram", "Al-Shabaab", "Hamas", "Haqqani network"];
        string[] igos = ["United Nations", "NATO", "African Union", "European Union", "World Bank"];
        string[] people = ["Vladimir Putin", "Dmitry Medvedev", "Mikhail Mishustin"];
        string[] frames = ["Reporters asked about {0} at the briefing.", "The statement mentioned {0} twice.", "{0} was named in the report on Tuesday.", "Officials discussed {0} in the capital."];
        var lines = new List<string>();
        var id = 0;
        foreach (var (names, polarity) in new[] { (armed, -1), (igos, 1), (people, 0) })
        {
            foreach (var name in names)
            {
                foreach (var frame in frames)
                {
                    var sentence = string.Format(System.Globalization.CultureInfo.InvariantCulture, frame, name);
                    var from = sentence.IndexOf(name, StringComparison.Ordinal);
                    lines.Add(JsonSerializer.Serialize(new { mention = name, polarity, from, to = from + name.Length, sentence, id = $"t{id++}" }));
                }
            }
        }

        Directory.CreateDirectory(_root);
        var train = Path.Combine(_root, "train.jsonl");
        File.WriteAllLines(train, lines);
        var models = Path.Combine(_root, "models");
        var request = new TrainingRequest(ModelTasks.Stance, [train], [train], Seed: 1, models)
        {
            Hyperparameters = TextClassifierHyperparameters.StanceDefault with { TargetType = true },
            GazetteerPath = gazetteer,
            MeasureThroughput = false,
        };
        var result = new StanceTrainer(new FakeTimeProvider(TrainedTinyModels.TrainingDate)).TrainAsync(request, null, CancellationToken.None).GetAwaiter().GetResult();
        version = result.Version;
        return models;
    }
}
