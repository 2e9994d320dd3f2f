using System.CommandLine;
using System.Globalization;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Cli.Commands;

/// <summary><c>threatscorer bench</c>: end-to-end scoring speed on a fixed set of article texts, without the store.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var folder = new Option<string>("--articles") { Description = "Folder of article files.", DefaultValueFactory = _ => Path.Combine("seeds", "bench") };
        var models = new Option<string>("--models") { Description = "Models folder.", DefaultValueFactory = _ => "models" };
        var repeat = new Option<int>("--repeat") { Description = "Passes over the folder.", DefaultValueFactory = _ => 1 };
        var command = new Command("bench", "Score a fixed set of articles end to end (no store) and print articles/s, sentences/s, stance predictions/s, the tokenisation baseline and peak RSS.")
        {
            folder, models, repeat,
        };
        command.SetAction((parse, ct) =>
        {
            var dir = parse.GetValue(folder)!;
            if (!Directory.Exists(dir))
            {
                Console.Error.WriteLine($"error: no such folder: {Path.GetFullPath(dir)}");
                return Task.FromResult(ExitCodes.BadInput);
            }

            var reader = new ArticleFileReader();
            var articles = Directory.EnumerateFiles(dir).Where(ArticleFileReader.IsSupported).Order(StringComparer.Ordinal)
                .SelectMany(f => reader.Read(f, ArticleLimits.Default))
                .Where(r => r.Article is not null)
                .Select(r => r.Article!)
                .ToList();
            ScoringModels loaded;
            try
            {
                loaded = ScoringModels.Load(parse.GetValue(models)!, CliEncoders.StanceLoader);
            }
            catch (ModelLoadException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return Task.FromResult(ExitCodes.ModelError);
            }

            var scorer = new ArticleScorer(new TextCleaner(), ScoringModelProvider.Fixed(loaded), TimeProvider.System);
            var result = PipelineBenchmark.Run(articles, scorer, Math.Max(1, parse.GetValue(repeat)), ct);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"articles:               {result.Articles} ({articles.Count} files × {parse.GetValue(repeat)} passes) from {Path.GetFullPath(dir)}"));
            Console.WriteLine(string.Create(inv, $"sentences:              {result.Sentences}; stance predictions: {result.StancePredictions}"));
            Console.WriteLine(string.Create(inv, $"scoring time:           {result.Scoring.TotalSeconds:F2} s (one thread)"));
            Console.WriteLine(string.Create(inv, $"articles/s:             {result.ArticlesPerSecond:F1}"));
            Console.WriteLine(string.Create(inv, $"sentences/s:            {result.SentencesPerSecond:F0}"));
            Console.WriteLine(string.Create(inv, $"stance predictions/s:   {result.StancePredictionsPerSecond:F0} (time in the stance step)"));
            Console.WriteLine(string.Create(inv, $"tokenisation only:      {result.Tokenisation.TotalSeconds:F3} s (clean + split sentences + words)"));
            Console.WriteLine(string.Create(inv, $"scoring / tokenisation: {result.ScoringToTokenisation:F1}×"));
            Console.WriteLine(string.Create(inv, $"peak RSS:               {result.PeakWorkingSetBytes / 1048576.0:F0} MiB"));
            Console.WriteLine(string.Create(inv, $"models:                 {loaded.Versions.Key}"));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
