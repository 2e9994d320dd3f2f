using System.Diagnostics;
using System.Globalization;
using ThreatScorer.FineTune.Bert;
using TorchSharp;
using static TorchSharp.torch;

namespace ThreatScorer.FineTune.Training;

/// <summary>Fine-tuning settings (all recorded in metrics.json and hashed into the fingerprint).</summary>
public sealed record FineTuneOptions
{
    public int Epochs { get; init; } = 3;

    public int BatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 3e-5;

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Share of the steps over which the learning rate rises linearly from 0 (then it decays linearly to 0).</summary>
    public double WarmupFraction { get; init; } = 0.1;

    public double Dropout { get; init; } = 0.1;

    public int Seed { get; init; } = 1;

    /// <summary>Epochs without a better dev macro-F1 before stopping.</summary>
    public int Patience { get; init; } = 1;

    /// <summary>Stop after this many optimizer steps in total (0 = no limit): smoke runs and tests.</summary>
    public int MaxSteps { get; init; }
}

/// <summary>One dev evaluation during training.</summary>
public sealed record DevEvaluation(int Epoch, int Step, IReadOnlyDictionary<string, StanceScores> Scores)
{
    /// <summary>What early stopping maximises: the mean macro-F1 over the dev sets.</summary>
    public double Selection => Scores.Values.Average(s => s.MacroF1);
}

/// <summary>Result of <see cref="FineTuner.Train"/>: the evaluations, the chosen one (its weights are in the network), the time.</summary>
public sealed record FineTuneResult(IReadOnlyList<DevEvaluation> Evaluations, DevEvaluation? Best, int Steps, TimeSpan Elapsed, IReadOnlyList<double> Losses);

/// <summary>
/// Fine-tunes a <see cref="StanceNetwork"/> on training examples with AdamW, linear warm-up and decay, gradient
/// clipping at 1, and early stopping on the dev sets (used only to choose the epoch, never trained on).
/// </summary>
public static class FineTuner
{
    public static FineTuneResult Train(
        StanceNetwork network,
        IReadOnlyList<StanceExample> train,
        IReadOnlyDictionary<string, IReadOnlyList<StanceExample>> dev,
        FineTuneOptions options,
        TextWriter? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        ArgumentNullException.ThrowIfNull(options);
        if (train.Count == 0)
        {
            throw new ArgumentException("no training examples", nameof(train));
        }

        random.manual_seed(options.Seed);
        var shuffle = new Random(options.Seed);
        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = options.Epochs * stepsPerEpoch;
        if (options.MaxSteps > 0)
        {
            totalSteps = Math.Min(totalSteps, options.MaxSteps);
        }

        var warmup = Math.Max(1, (int)(totalSteps * options.WarmupFraction));
        var optimizer = optim.AdamW(network.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        var schedule = optim.lr_scheduler.LambdaLR(optimizer, step => step < warmup
            ? (step + 1.0) / warmup
            : Math.Max(0.0, (double)(totalSteps - step) / Math.Max(1, totalSteps - warmup)));

        var clock = Stopwatch.StartNew();
        var evaluations = new List<DevEvaluation>();
        var losses = new List<double>();
        DevEvaluation? best = null;
        Dictionary<string, float[]>? bestEncoder = null;
        (float[] W, float[] B)? bestHead = null;
        var step = 0;
        var sinceBest = 0;
        for (var epoch = 1; epoch <= options.Epochs && step < totalSteps; epoch++)
        {
            network.train();
            foreach (var examples in Batch.LengthBucketed(train, options.BatchSize, shuffle))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (step >= totalSteps)
                {
                    break;
                }

                using (var scope = NewDisposeScope())
                {
                    using var batch = Batch.Create(examples);
                    optimizer.zero_grad();
                    var logits = network.forward(batch.Ids, batch.Mask, batch.Target);
                    var loss = nn.functional.cross_entropy(logits, batch.Labels);
                    loss.backward();
                    nn.utils.clip_grad_norm_(network.parameters(), 1.0);
                    optimizer.step();
                    schedule.step();
                    losses.Add(loss.item<float>());
                }

                step++;
                if (progress is not null && (step % 10 == 0 || step == totalSteps))
                {
                    var perStep = clock.Elapsed.TotalSeconds / step;
                    var recent = losses.Skip(Math.Max(0, losses.Count - 50)).Average();
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {epoch}/{options.Epochs} step {step}/{totalSteps} loss {recent:F4} (mean of last 50) {perStep:F2} s/step, {TimeSpan.FromSeconds(perStep * (totalSteps - step)):hh\\:mm\\:ss} left"));
                }
            }

            if (dev.Count == 0)
            {
                continue;
            }

            var evaluation = new DevEvaluation(epoch, step, dev.ToDictionary(d => d.Key, d => Evaluate(network, d.Value, options.BatchSize, cancellationToken)));
            evaluations.Add(evaluation);
            progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch} dev: {string.Join(", ", evaluation.Scores.Select(s => $"{s.Key} macro-F1 {s.Value.MacroF1:F4} acc {s.Value.Accuracy:F4}"))}"));
            if (best is null || evaluation.Selection > best.Selection)
            {
                best = evaluation;
                bestEncoder = network.Encoder.Snapshot();
                bestHead = network.HeadWeights();
                sinceBest = 0;
            }
            else if (++sinceBest >= options.Patience)
            {
                progress?.WriteLine($"early stop: no better dev macro-F1 for {sinceBest} epoch(s); keeping epoch {best.Epoch}");
                break;
            }
        }

        if (bestEncoder is not null && bestHead is { } head)
        {
            network.Encoder.Restore(bestEncoder);
            network.RestoreHead(head.W, head.B);
        }

        network.eval();
        return new FineTuneResult(evaluations, best, step, clock.Elapsed, losses);
    }

    /// <summary>Predicts every example (eval mode, length-sorted batches) and scores against its label.</summary>
    public static StanceScores Evaluate(StanceNetwork network, IReadOnlyList<StanceExample> examples, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var logits = Predict(network, examples, batchSize, cancellationToken);
        var predicted = logits.Select(l => Array.IndexOf(l, l.Max())).ToList();
        return StanceScores.Compute(examples.Select(e => e.Label).ToList(), predicted);
    }

    /// <summary>Logits of every example in input order (computed in eval mode; the network's mode is restored).</summary>
    public static float[][] Predict(StanceNetwork network, IReadOnlyList<StanceExample> examples, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(examples);
        var wasTraining = network.training;
        network.eval();
        var output = new float[examples.Count][];
        var order = Enumerable.Range(0, examples.Count).OrderBy(i => examples[i].Ids.Length).ToArray();
        using (no_grad())
        {
            foreach (var chunk in order.Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var batch = Batch.Create(chunk.Select(i => examples[i]).ToList());
                var logits = network.forward(batch.Ids, batch.Mask, batch.Target).contiguous().data<float>().ToArray();
                for (var j = 0; j < chunk.Length; j++)
                {
                    output[chunk[j]] = logits.AsSpan(j * StanceNetwork.Classes, StanceNetwork.Classes).ToArray();
                }
            }
        }

        if (wasTraining)
        {
            network.train();
        }

        return output;
    }
}
