// Issue 5 experiment (not shipped): distil the encoder-probe + n-gram blend into the n-gram threat or interaction
// model through real unlabelled sentences. Labels the pool with the blend teacher and writes a corpus file in the
// team format to OUT (outside the repository: it holds third-party text), which `train --data seeds/training/threat OUT`
// then adds to the training groups (the pool's group names are chosen outside the dev split).
// Run from anywhere: dotnet run docs/experiments/sentence-distillation.cs -- TASK L2 MAX_PER_DATASET OUT MIN_ACTORS
// e.g. interaction 1000 6000 /tmp/pool-int.jsonl 2   (results: docs/quality-experiments.md, "Distilling the blend")
#:project ../../src/ThreatScorer.Encoders/ThreatScorer.Encoders.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
#:property Nullable=enable
using System.Text.Json;
using Microsoft.ML;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Threat;
using ThreatScorer.Core.Models;
using ThreatScorer.Encoders;

// args: task l2 maxPerDataset out minActors
var task = args[0]; var l2 = float.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture); var max = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture); var outPath = args[3]; var minActors = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
var ct = CancellationToken.None;
Environment.CurrentDirectory = Path.GetFullPath(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "..", ".."));
var sets = new Dictionary<string, string> { ["newsmtsc"] = "../shared/data/newsmtsc" };
var corpus = await ThreatCorpusReader.ReadAsync(["seeds/training/threat"], sets, ct);
var interaction = task == "interaction";
var labels = interaction ? ThreatLabels.Interactions : ThreatLabels.Levels;
Func<ThreatExample, string> gold = interaction ? e => e.Interaction : e => e.Level;
var train = corpus.Examples.Where(e => gold(e).Length > 0 && !ThreatCorpusReader.IsDev(e)).ToList();
var rec = new ActorRecognizer(Gazetteer.Load("models/actors/gazetteer.json"));
var cleaner = new TextCleaner();
var pool = new List<string>();
foreach (var (name, path) in new[] { ("whitehouse", "../shared/data/whitehouse/statements.jsonl"), ("onestopenglish", "../shared/data/onestopenglish/articles.jsonl") })
{
    var found = new List<string>();
    foreach (var line in File.ReadLines(path))
    {
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        var cleaned = cleaner.Clean(new RawArticle { Title = r.GetProperty("title").GetString(), Text = r.GetProperty("text").GetString() ?? "", SourcePath = path });
        var mentions = rec.Recognize(cleaned.Text, cleaned.Sentences);
        foreach (var g in mentions.Where(m => m.IsListed).GroupBy(m => m.SentenceIndex))
        {
            var s = cleaned.Sentences[g.Key];
            var words = s.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (s.IsTitle || words < 5 || words > 60 || g.Select(m => m.ActorId).Distinct().Count() < minActors) continue;
            found.Add(s.Text);
        }
    }
    var rnd = new Random(42); var arr = found.Distinct().ToArray(); rnd.Shuffle(arr);
    Console.WriteLine($"{name}: {arr.Length} sentences with >= {minActors} actors; taking {Math.Min(max, arr.Length)}");
    pool.AddRange(arr.Take(max));
}
var nGram = SentenceProbe.ActiveNGramModel(task, "models", ct);
using var encoder = new MiniLmEncoder();
var probe = new SentenceProbe(encoder);
var sw = System.Diagnostics.Stopwatch.StartNew();
var trainF = probe.Embed(train.ConvertAll(e => e.Text), ct);
var ml = new MLContext(42);
var head = SentenceProbe.Fit(ml, trainF, train.ConvertAll(e => gold(e)), labels, l2);
var poolF = probe.Embed(pool, ct);
Console.WriteLine($"encoded {train.Count + pool.Count} in {sw.Elapsed.TotalSeconds:F0}s");
var probs = SentenceProbe.Blend(SentenceProbe.Score(ml, head, poolF), nGram(pool), 0.5f);
var decided = SentenceProbe.Decide(probs, labels);
// group names that are never dev
int gi = 0;
string Group() { while (true) { var g = $"zdist-g{gi++}"; if (!ThreatCorpusReader.IsDevGroup(g)) return g; } }
using var w = new StreamWriter(outPath);
for (int i = 0; i < pool.Count; i++)
{
    var o = new Dictionary<string, object?> { ["id"] = $"zd-{i}", ["text"] = pool[i], ["threat_level"] = interaction ? "none" : decided[i], ["kinds"] = Array.Empty<string>(), ["interaction"] = interaction ? decided[i] : null, ["group"] = Group(), ["provenance"] = "distill", ["p"] = probs[i].Max() };
    w.WriteLine(JsonSerializer.Serialize(o));
}
Console.WriteLine(string.Join(", ", decided.GroupBy(d => d).Select(g => $"{g.Key} {g.Count()}")));
