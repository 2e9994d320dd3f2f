using System.Globalization;
using Microsoft.ML.Tokenizers;
using ThreatScorer.Core.Training;
using ThreatScorer.Encoders;
using ThreatScorer.FineTune.Bert;
using ThreatScorer.FineTune.Onnx;
using ThreatScorer.FineTune.Training;
using static TorchSharp.torch;

namespace ThreatScorer.FineTune;

/// <summary>
/// The checks that need libtorch (run inside the training environment; the test suite runs this command through
/// scripts/training-env.sh and asserts on its lines). Each prints <c>check NAME: PASS|FAIL detail</c>.
/// </summary>
internal static class SelfCheck
{
    public const double Tolerance = 1e-4;

    private static readonly string[] Sentences =
    [
        "Russia vows to shield Tajikistan as the threat of Taliban-sponsored terrorism rises.",
        "The United Nations condemned the attack on the convoy.",
        "President Macron praised the rescue workers for their courage.",
        "Protesters clashed with police outside the parliament in Nairobi on Tuesday.",
        "The central bank left interest rates unchanged.",
        "Iran accused Israel of sabotage at its nuclear facility.",
        "Officials said the ceasefire was holding despite sporadic shelling.",
        "Germany pledged 500 million euros in humanitarian aid to Sudan.",
        "The senator called the proposal reckless and dangerous.",
        "Heavy rain flooded several villages, forcing thousands to flee.",
        "China and India agreed to resume border talks next month.",
        "The rebels seized the town after days of fighting.",
        "Hackers breached the ministry's email servers, the agency said.",
        "She thanked the volunteers who had cleared the roads.",
        "NATO allies disagreed over how to respond to the drone incursion.",
        "The court acquitted the journalist of all charges.",
        "Unemployment fell for the third consecutive quarter.",
        "Witnesses described the explosion as deafening.",
        "The minister denied that the army had fired on civilians.",
        "Turkey welcomed the prisoner exchange between Kyiv and Moscow.",
    ];

    // (sentence, mention, polarity −1/0/1): a tiny stance set for the training checks.
    private static readonly (string Sentence, string Mention, int Polarity)[] Labelled =
    [
        ("The United Nations condemned the attack on the convoy.", "United Nations", 0),
        ("President Macron praised the rescue workers for their courage.", "rescue workers", 1),
        ("The senator called the proposal reckless and dangerous.", "proposal", -1),
        ("The rebels seized the town after days of fighting.", "rebels", -1),
        ("She thanked the volunteers who had cleared the roads.", "volunteers", 1),
        ("The central bank left interest rates unchanged.", "central bank", 0),
        ("Iran accused Israel of sabotage at its nuclear facility.", "Israel", -1),
        ("Germany pledged 500 million euros in humanitarian aid to Sudan.", "Germany", 1),
    ];

    public static int Run(TextWriter output)
    {
        var failures = 0;
        void Report(string name, bool pass, string detail)
        {
            output.WriteLine($"check {name}: {(pass ? "PASS" : "FAIL")} {detail}");
            failures += pass ? 0 : 1;
        }

        var inv = CultureInfo.InvariantCulture;
        var bytes = MiniLmPackage.ReadModel();
        var graph = BertOnnxGraph.Parse(bytes);
        var tokenizer = MiniLmPackage.CreateTokenizer();

        // (a) every initializer mapped
        var parameters = graph.Mappings.Count(m => m.Role == InitializerRole.Parameter);
        Report("onnx-initializers", graph.Mappings.Count == 148 && parameters == 103,
            $"{graph.Mappings.Count} initializers: {parameters} parameters, {graph.Mappings.Count(m => m.Role == InitializerRole.Buffer)} buffer, {graph.Mappings.Count(m => m.Role == InitializerRole.GraphConstant)} graph constants; {graph.Config}");

        // (b) the port reproduces the shipped encoder before any training
        var ids = Sentences.Select(s => Encode(tokenizer, s)).ToList();
        using var shipped = MiniLmEncoder.FromModel(bytes);
        var expected = shipped.Run(ids);
        using (var encoder = new BertEncoder(graph.Config))
        {
            encoder.LoadFrom(graph);
            encoder.eval();
            var actual = TorchStates(encoder, ids);
            var diff = MaxDifference(expected, actual);
            Report("port-matches-onnx", diff <= Tolerance, string.Create(inv, $"max |Δ last_hidden_state| = {diff:E2} over {Sentences.Length} sentences ({ids.Sum(i => i.Length)} tokens, padded batch), tolerance {Tolerance:E0}"));
        }

        var examples = Labelled.Select(l =>
        {
            var from = l.Sentence.IndexOf(l.Mention, StringComparison.Ordinal);
            return StanceExamples.From(tokenizer, new NewsMtscRecord("check", l.Sentence, l.Mention, from, from + l.Mention.Length, l.Polarity));
        }).ToList();

        // (c) a few steps on a 2-layer encoder lower the training loss
        var tiny = graph.Config with { Layers = 2 };
        using (var network = new StanceNetwork(tiny, dropout: 0))
        {
            network.Encoder.LoadFrom(graph);
            var before = Loss(network, examples);
            var options = new FineTuneOptions { Epochs = 8, BatchSize = examples.Count, LearningRate = 2e-4, WarmupFraction = 0, Dropout = 0, Seed = 7 };
            var result = FineTuner.Train(network, examples, new Dictionary<string, IReadOnlyList<StanceExample>>(), options, progress: null, CancellationToken.None);
            var after = Loss(network, examples);
            Report("tiny-finetune-lowers-loss", after < before * 0.9, string.Create(inv, $"2-layer encoder, {result.Steps} steps on {examples.Count} examples: loss {before:F4} → {after:F4}"));
        }

        // (d) the exported graph and head give TorchSharp's logits under ONNX Runtime
        using (var network = new StanceNetwork(graph.Config, dropout: 0))
        {
            network.Encoder.LoadFrom(graph);
            var options = new FineTuneOptions { Epochs = 2, BatchSize = examples.Count, LearningRate = 1e-4, WarmupFraction = 0, Dropout = 0, Seed = 7 };
            FineTuner.Train(network, examples, new Dictionary<string, IReadOnlyList<StanceExample>>(), options, progress: null, CancellationToken.None);
            var torchLogits = FineTuner.Predict(network, examples, examples.Count, CancellationToken.None);
            var exported = graph.WithParameters(network.Encoder.Snapshot());
            var (weight, bias) = network.HeadWeights();
            var head = StanceHead.Parse(StanceHead.FromFlat(weight, bias, graph.Config.Hidden).ToJson(), "head.json");
            using var fineTuned = MiniLmEncoder.FromModel(exported);
            var states = fineTuned.Run(examples.Select(e => e.Ids).ToList());
            var onnxLogits = examples.Select((e, i) => head.Logits(states[i], e.Ids.Length, e.TargetStart, e.TargetEnd)).ToArray();
            var diff = MaxDifference(torchLogits, onnxLogits);
            var moved = MaxDifference(shipped.Run(examples.Select(e => e.Ids).ToList()), states);
            Report("export-matches-torch", diff <= Tolerance && moved > 1e-3,
                string.Create(inv, $"max |Δ logits| ONNX Runtime vs TorchSharp = {diff:E2} on {examples.Count} targets, tolerance {Tolerance:E0}; the exported encoder differs from the shipped one by up to {moved:E2}"));
        }

        output.WriteLine($"self-check: {4 - failures} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    // As TargetAlignment does: the tokenizer deletes whitespace/control/format characters, gluing words, so they become spaces.
    internal static int[] Encode(BertTokenizer tokenizer, string sentence) =>
        tokenizer.EncodeToIds(
            new string(sentence.Select(c => char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format ? ' ' : c).ToArray()),
            addSpecialTokens: true).ToArray();

    private static float[][] TorchStates(BertEncoder encoder, IReadOnlyList<int[]> ids)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var examples = ids.Select(i => new StanceExample("s", i, 0, 1, 0)).ToList();
        using var batch = Batch.Create(examples);
        var states = encoder.forward(batch.Ids, batch.Mask).contiguous();
        var tokens = (int)states.shape[1];
        var hidden = (int)states.shape[2];
        var flat = states.data<float>().ToArray();
        return ids.Select((s, i) => flat.AsSpan(i * tokens * hidden, s.Length * hidden).ToArray()).ToArray();
    }

    private static double Loss(StanceNetwork network, List<StanceExample> examples)
    {
        var logits = FineTuner.Predict(network, examples, examples.Count, CancellationToken.None);
        return examples.Select((e, i) =>
        {
            var max = logits[i].Max();
            var logSum = Math.Log(logits[i].Sum(l => Math.Exp(l - max))) + max;
            return logSum - logits[i][e.Label];
        }).Average();
    }

    private static double MaxDifference(float[][] a, float[][] b)
    {
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i].Length != b[i].Length)
            {
                return double.PositiveInfinity;
            }

            for (var j = 0; j < a[i].Length; j++)
            {
                max = Math.Max(max, Math.Abs(a[i][j] - b[i][j]));
            }
        }

        return max;
    }
}
