using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;
using ThreatScorer.Core.Training;
using ThreatScorer.Encoders;

namespace ThreatScorer.Cli.Commands;

/// <summary>
/// <c>threatscorer encoder-probe --task threat|interaction</c>: how far a linear head over frozen MiniLM sentence
/// vectors gets on the team corpus' dev groups (and on CAMEO dev for interaction), alone and blended with the active
/// n-gram model, and what it costs per sentence. An experiment tool for issue 5: nothing is written.
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "threat (the four levels) or interaction (the five classes).", Required = true };
        task.AcceptOnlyFromAmong(ModelTasks.Threat, ModelTasks.Interaction);
        var data = new Option<string[]>("--data")
        {
            Description = "Threat corpus files or folders (train = groups outside the dev split, dev = the rest).",
            DefaultValueFactory = _ => [Path.Combine("seeds", "training", "threat")],
            AllowMultipleArgumentsPerToken = true,
        };
        var datasets = new Option<string[]>("--dataset")
        {
            Description = "name=path of third-party datasets the corpus refers to (default: the ../shared ones when present); 'cameo' adds the CAMEO dev evaluation for interaction.",
            AllowMultipleArgumentsPerToken = true,
        };
        var l2 = new Option<float[]>("--l2")
        {
            Description = "L2 strengths of the probe's head to try.",
            DefaultValueFactory = _ => [1f, 10f, 100f, 1000f],
            AllowMultipleArgumentsPerToken = true,
        };
        var models = new Option<string>("--models") { Description = "Models root holding the active n-gram model to blend with.", DefaultValueFactory = _ => "models" };
        var command = new Command("encoder-probe", "Measure a frozen-MiniLM probe for threat level or interaction against the active n-gram model (macro-F1, blends, sentences/s).")
        {
            task, data, datasets, l2, models,
        };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(task)!;
            var modelsRoot = parse.GetValue(models)!;
            var sets = TrainCommand.Datasets(parse.GetValue(datasets) ?? []);
            var corpus = await ThreatCorpusReader.ReadAsync(parse.GetValue(data)!, sets, ct);
            var interaction = name == ModelTasks.Interaction;
            var labels = interaction ? ThreatLabels.Interactions : ThreatLabels.Levels;
            Func<ThreatExample, string> gold = interaction ? e => e.Interaction : e => e.Level;
            var usable = corpus.Examples.Where(e => gold(e).Length > 0).ToList();
            var train = usable.Where(e => !ThreatCorpusReader.IsDev(e)).ToList();
            var evaluations = new List<(string Name, List<string> Texts, List<string> Gold)>
            {
                ("team dev groups", usable.Where(ThreatCorpusReader.IsDev).Select(e => e.Text).ToList(), usable.Where(ThreatCorpusReader.IsDev).Select(gold).ToList()),
            };
            if (interaction && sets.TryGetValue("cameo", out var cameoPath))
            {
                var cameo = await CameoTsv.ReadAsync(cameoPath, ct);
                evaluations.Add(("CAMEO dev (evaluation only)", cameo.ConvertAll(c => c.Text), cameo.ConvertAll(c => c.Label)));
            }

            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{name}: {train.Count} training examples; {string.Join(", ", evaluations.Select(e => $"{e.Name} {e.Texts.Count}"))}"));

            var nGram = SentenceProbe.ActiveNGramModel(name, modelsRoot, ct);

            using var encoder = new MiniLmEncoder();
            var probe = new SentenceProbe(encoder);
            probe.Embed(train.Take(32).Select(e => e.Text).ToList(), ct);
            var clock = Stopwatch.StartNew();
            var trainFeatures = probe.Embed(train.ConvertAll(e => e.Text), ct);
            Console.WriteLine(string.Create(inv, $"encoder: {train.Count / clock.Elapsed.TotalSeconds:F0} sentences/s (length-sorted batches of 32, 2 intra-op threads)"));
            var evalFeatures = evaluations.ConvertAll(e => probe.Embed(e.Texts, ct));
            var ngram = evaluations.ConvertAll(e => nGram(e.Texts));
            for (var i = 0; i < evaluations.Count; i++)
            {
                Console.WriteLine(string.Create(inv, $"  active n-gram model on {evaluations[i].Name}: macro-F1 {Evaluator.Evaluate(evaluations[i].Gold, SentenceProbe.Decide(ngram[i], labels), labels).MacroF1:F3}"));
            }

            var ml = new MLContext(42);
            foreach (var strength in parse.GetValue(l2)!)
            {
                var head = SentenceProbe.Fit(ml, trainFeatures, train.ConvertAll(e => gold(e)), labels, strength);
                for (var i = 0; i < evaluations.Count; i++)
                {
                    var probs = SentenceProbe.Score(ml, head, evalFeatures[i]);
                    var alone = Evaluator.Evaluate(evaluations[i].Gold, SentenceProbe.Decide(probs, labels), labels).MacroF1;
                    var blend = Evaluator.Evaluate(evaluations[i].Gold, SentenceProbe.Decide(SentenceProbe.Blend(probs, ngram[i], 0.5f), labels), labels).MacroF1;
                    Console.WriteLine(string.Create(inv, $"  probe L2 {strength,6}: {evaluations[i].Name}: macro-F1 {alone:F3} alone, {blend:F3} blended 50/50 with the n-gram model"));
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
