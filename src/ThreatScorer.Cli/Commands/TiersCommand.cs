using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Training;
using ThreatScorer.Encoders;

namespace ThreatScorer.Cli.Commands;

/// <summary>
/// <c>threatscorer stance-tiers --student DIR --teacher DIR --data FILE…</c>: macro-F1 and blended speed when the
/// teacher re-scores the student's least confident share of mentions.
/// </summary>
internal static class TiersCommand
{
    public static Command Create()
    {
        var student = new Option<string>("--student") { Description = "Stance model folder (or 'active': the active one under --models).", DefaultValueFactory = _ => "active" };
        var models = new Option<string>("--models") { Description = "Models root (for 'active' and the gazetteer).", DefaultValueFactory = _ => "models" };
        var teacher = new Option<string>("--teacher") { Description = "Stance-teacher version folder.", Required = true };
        var data = new Option<string[]>("--data") { Description = "NewsMTSC-format dev files.", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = new Command("stance-tiers", "Measure two-tier stance (fast model everywhere, teacher on the least confident share): macro-F1 and predictions/s per share.")
        {
            student, teacher, data, models,
        };
        command.SetAction(async (parse, ct) =>
        {
            var studentDir = parse.GetValue(student)!;
            var modelsRoot = parse.GetValue(models)!;
            var model = studentDir == "active"
                ? StanceModel.LoadActive(modelsRoot)
                : StanceModel.Load(studentDir, Path.Combine(modelsRoot, ScoringModels.GazetteerRelativePath));
            using var encoder = new MiniLmEncoder();
            var tutor = StanceTeacher.Load(parse.GetValue(teacher)!, encoder);
            double[] shares = [0, 0.026, 0.1, 0.25, 0.5, 1];
            var inv = CultureInfo.InvariantCulture;
            foreach (var file in parse.GetValue(data)!)
            {
                var records = await NewsMtscReader.ReadAsync(file, ct);
                var inputs = records.Select(r => new StanceInput(r.Sentence, r.From, r.To)).ToList();
                model.PredictBatch(inputs.Take(64).ToList(), ct);
                var clock = Stopwatch.StartNew();
                var fast = model.PredictBatch(inputs, ct);
                var fastRate = inputs.Count / clock.Elapsed.TotalSeconds;
                tutor.PredictBatch(inputs.Take(64).ToList(), null, ct);
                clock.Restart();
                var slow = tutor.PredictBatch(inputs, null, ct);
                var slowRate = inputs.Count / clock.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(inv, $"{Path.GetFileName(file)} ({inputs.Count}): student {model.Version} {fastRate:F0}/s, teacher {tutor.Version} {slowRate:F0}/s"));
                foreach (var row in TwoTierEvaluation.Evaluate(records.Select(r => r.Label).ToList(), fast, slow, shares, fastRate, slowRate))
                {
                    Console.WriteLine(string.Create(inv, $"  teacher share {row.TeacherShare,5:P1}: macro-F1 {row.MacroF1:F3}, {row.PredictionsPerSecond,8:F0} predictions/s"));
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
