using System.Globalization;
using System.Text;

namespace ThreatScorer.Core.Training;

/// <summary>Renders model-card.md for a trained polarity model.</summary>
internal static class ModelCard
{
    public const string NewsMtscNotice = """
        NewsMTSC (Hamborg & Donnay, 2021, "NewsMTSC: A Dataset for (Multi-)Target-dependent Sentiment
        Classification in Political News Articles", EACL), https://github.com/fhamborg/NewsMTSC — MIT licence:

        > Copyright 2020 Felix Hamborg
        >
        > Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
        > documentation files (the "Software"), to deal in the Software without restriction, including without limitation
        > the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
        > to permit persons to whom the Software is furnished to do so, subject to the following conditions:
        >
        > The above copyright notice and this permission notice shall be included in all copies or substantial portions
        > of the Software.
        >
        > THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
        > THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
        > AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
        > CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
        > DEALINGS IN THE SOFTWARE.

        (The upstream repository also credits ABSA-PyTorch by Yury Soong et al. and early-stopping-pytorch by Bjarten for
        code; no upstream code is used here. No NewsMTSC text is stored in this repository, only the trained model.)
        """;

    /// <summary>Where a distillation pool dataset comes from and its licence, for the card (by the dataset's name).</summary>
    public static string PoolDatasetProvenance(string dataset) => dataset switch
    {
        DistillationPool.NewsMtsc => "NewsMTSC train sentences (mentions NewsMTSC did not label), MIT licence (notice below)",
        "whitehouse" => "White House Briefing Room statements 2021–2026 (GitHub brian14708/wh-briefings, CC0 1.0; works of the US federal government, public domain, 17 U.S.C. §105)",
        "onestopenglish" => "OneStopEnglish corpus, advanced-level Guardian features adapted for learners (GitHub nishkalavallabhi/OneStopEnglishCorpus), CC BY-SA 4.0",
        _ => "a dataset without a recorded licence: record its source and licence here before shipping",
    };

    public sealed record Content(
        string Task,
        string Version,
        DateTimeOffset Date,
        int Seed,
        string Fingerprint,
        TextClassifierHyperparameters Hyperparameters,
        string TaskDescription,
        string DataDescription,
        IReadOnlyList<string> TrainFiles,
        IReadOnlyList<DevEvaluation> Evaluations,
        TimeSpan TrainingTime,
        double SingleThreadPerSecond,
        double BatchPerSecond,
        long ModelBytes,
        string MlNetVersion,
        string Runtime);

    public static string Render(Content c)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# Model card: {c.Task} — `{c.Version}`\n\n");
        sb.Append(c.TaskDescription.Trim()).Append("\n\n");
        sb.Append("Labels: `negative`, `neutral`, `positive` (probabilities sum to 1; score = P(positive) − P(negative)).\n\n");

        sb.Append("## Training data\n\n");
        sb.Append(c.DataDescription.Trim()).Append("\n\n");
        sb.Append("Files (SHA-256 of their bytes is part of the fingerprint):\n\n");
        foreach (var file in c.TrainFiles.GroupBy(f => Path.GetFullPath(f), StringComparer.Ordinal))
        {
            sb.Append(inv, $"- `{Path.GetFileName(file.Key)}`").Append(file.Count() > 1 ? string.Create(inv, $" (given {file.Count()}×)") : string.Empty).Append('\n');
        }

        sb.Append("\n### Provenance and licence\n\n").Append(NewsMtscNotice.Trim()).Append("\n\n");

        sb.Append("## Training\n\n");
        sb.Append(inv, $"- Date (UTC): {c.Date.UtcDateTime:yyyy-MM-dd HH:mm:ss}\n");
        sb.Append(inv, $"- Seed: {c.Seed}\n");
        sb.Append(inv, $"- Fingerprint (SHA-256 over training file bytes + task + seed + hyperparameters): `{c.Fingerprint}`\n");
        sb.Append(inv, $"- Training time (fit only): {c.TrainingTime.TotalSeconds:F1} s\n");
        sb.Append(inv, $"- Model size: {c.ModelBytes / 1024.0 / 1024.0:F2} MiB ({c.ModelBytes} bytes)\n");
        sb.Append(inv, $"- Packages: Microsoft.ML {c.MlNetVersion}; runtime {c.Runtime}\n\n");

        var hp = c.Hyperparameters;
        sb.Append("Hyperparameters:\n\n");
        sb.Append(inv, $"- Learner: {(hp.Trainer == "lbfgs" ? "LbfgsMaximumEntropy (L1 = 0)" : "SdcaMaximumEntropy")}, L2 = {(hp.L2?.ToString(inv) ?? "auto")}, max iterations = {(hp.MaxIterations?.ToString(inv) ?? "default")}, one thread\n");
        sb.Append(inv, $"- Class balancing (inverse-frequency example weights): {(hp.BalanceClasses ? "yes" : "no")}\n");
        if (hp.WindowWords > 0)
        {
            sb.Append(inv, $"- Context window: {hp.WindowWords} words left and right of the target, each its own text column\n");
        }

        if (hp.MarkedWindowWords > 0)
        {
            sb.Append(inv, $"- Marked sentence clipped to {hp.MarkedWindowWords} words each side of the target (a long sentence's other clauses do not set the stance)\n");
        }

        if (hp.MaskTarget)
        {
            sb.Append("- Target names masked by a placeholder (pronouns kept): the model judges what the sentence says about the target, with no prior per name\n");
        }

        if (hp.TargetType == true)
        {
            sb.Append("- Target's actor type (state, IGO, armed group, person, organisation or unknown, from the gazetteer) as a token beside the masked target: a prior per kind of actor, not per name (the gazetteer is listed with the files: its bytes are in the fingerprint)\n");
        }

        sb.Append(inv, $"- Word n-grams 1–{hp.WordNgramLength}; char {hp.CharNgramLength}-grams (0 = none); at most {hp.MaxNgramsPerColumn} n-grams per column; lower-cased, diacritics removed, L2-normalised per column\n\n");

        sb.Append("## Evaluation\n\n");
        foreach (var e in c.Evaluations)
        {
            var r = e.Report;
            sb.Append(inv, $"### {e.File} ({r.Count} examples)\n\n");
            sb.Append(inv, $"Macro-F1 **{r.MacroF1:F3}**, accuracy {r.Accuracy:F3}.\n\n");
            sb.Append("| class | precision | recall | F1 | support |\n|---|---|---|---|---|\n");
            foreach (var m in r.PerClass)
            {
                sb.Append(inv, $"| {m.Label} | {m.Precision:F3} | {m.Recall:F3} | {m.F1:F3} | {m.Support} |\n");
            }

            sb.Append("\nConfusion matrix (rows gold, columns predicted):\n\n| gold \\ predicted | ");
            sb.Append(string.Join(" | ", r.Labels)).Append(" |\n|---|").Append(string.Concat(Enumerable.Repeat("---|", r.Labels.Count))).Append('\n');
            for (var i = 0; i < r.Labels.Count; i++)
            {
                sb.Append(inv, $"| {r.Labels[i]} | ").Append(string.Join(" | ", r.ConfusionMatrix[i])).Append(" |\n");
            }

            sb.Append('\n');
        }

        sb.Append("The dev files are small (a few hundred examples): differences of about 0.01 macro-F1 are noise.\n\n");
        sb.Append("## Speed\n\n");
        sb.Append(inv, $"- Single thread, one `Predict` call at a time: {c.SingleThreadPerSecond:N0} predictions/s\n");
        sb.Append(inv, $"- `PredictBatch` (batched `ITransformer.Transform`): {c.BatchPerSecond:N0} predictions/s\n");
        sb.Append("(measured at training time on the training machine over 20,000 dev inputs; indicative only)\n");
        return sb.ToString();
    }
}
