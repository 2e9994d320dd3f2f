using System.Text;
using System.Text.Json;

namespace ThreatScorer.Core.Models;

/// <summary>
/// JSONL batch prediction (<c>threatscorer predict</c>). Every input line is validated before anything is written;
/// a bad line raises <see cref="InputFormatException"/> (file, 1-based line, reason) and leaves no output.
/// Output lines: <c>{"id":…,"label":"negative|neutral|positive","probabilities":{"negative":p,"neutral":p,"positive":p}}</c>.
/// Blank lines are skipped. Tasks are plug-ins (<see cref="IBatchPredictionTask"/>).
/// </summary>
public sealed class BatchPredictor
{
    private const int PredictChunk = 8192;
    private readonly Dictionary<string, IBatchPredictionTask> _tasks;

    /// <summary>Creates a predictor over the given tasks (names must be unique).</summary>
    public BatchPredictor(IEnumerable<IBatchPredictionTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        _tasks = tasks.ToDictionary(t => t.Task, StringComparer.Ordinal);
    }

    /// <summary>The task names this predictor accepts.</summary>
    public IReadOnlyCollection<string> Tasks => _tasks.Keys;

    /// <summary>
    /// Stance, sentiment, threat and interaction over the ACTIVE models under <paramref name="modelsRoot"/>; a model is loaded only when
    /// its task is run (so a missing sentiment model does not stop stance prediction). Stance versions are loaded by
    /// <paramref name="stanceLoader"/> (n-gram only when null).
    /// </summary>
    public static BatchPredictor ForModelsRoot(string modelsRoot, StanceModelLoader? stanceLoader = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelsRoot);
        var actors = new Lazy<Actors.ActorRecognizer>(() =>
        {
            var path = Path.Combine(modelsRoot, Scoring.ScoringModels.GazetteerRelativePath);
            try
            {
                return new Actors.ActorRecognizer(Actors.Gazetteer.Load(path));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                throw new ModelLoadException(Path.GetFullPath(path), ex.Message, ex);
            }
        });
        return new BatchPredictor(
        [
            new StanceBatchTask(() => (stanceLoader ?? StanceModelLoader.NgramOnly).LoadActive(modelsRoot)),
            new SentimentBatchTask(() => SentimentModel.LoadActive(modelsRoot)),
            new Threat.ThreatBatchTask(() => Threat.ThreatModel.LoadActive(modelsRoot), () => actors.Value),
            new Threat.InteractionBatchTask(() => Threat.InteractionModel.LoadActive(modelsRoot), () => actors.Value),
        ]);
    }

    /// <summary>
    /// Predicts <paramref name="inputPath"/> into <paramref name="outputPath"/> (written to a temp file beside it and
    /// moved into place on success). Returns the number of predictions written.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown task.</exception>
    /// <exception cref="InputFormatException">A malformed input line; the output file is not created or changed.</exception>
    /// <exception cref="ModelLoadException">The task's model is missing or corrupt.</exception>
    public async Task<int> RunAsync(string task, string inputPath, string outputPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var handler = Resolve(task);
        List<(string Id, object Input)> items;
        using (var reader = new StreamReader(inputPath, Encoding.UTF8))
        {
            items = await ParseAllAsync(handler, reader, inputPath, cancellationToken);
        }

        var lines = Predict(handler, items, cancellationToken);
        var fullOutput = Path.GetFullPath(outputPath);
        var temp = Path.Combine(
            Path.GetDirectoryName(fullOutput)!,
            $".{Path.GetFileName(fullOutput)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
            {
                await WriteAllAsync(writer, lines, cancellationToken);
            }

            File.Move(temp, fullOutput, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return lines.Count;
    }

    /// <summary>
    /// Predicts from <paramref name="input"/> to <paramref name="output"/>; all lines are validated and predicted
    /// before the first write. <paramref name="sourceName"/> names the input in errors.
    /// </summary>
    /// <exception cref="InputFormatException">A malformed input line; nothing is written.</exception>
    public async Task<int> RunAsync(string task, TextReader input, TextWriter output, string sourceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var handler = Resolve(task);
        var items = await ParseAllAsync(handler, input, sourceName, cancellationToken);
        var lines = Predict(handler, items, cancellationToken);
        await WriteAllAsync(output, lines, cancellationToken);
        return lines.Count;
    }

    private IBatchPredictionTask Resolve(string task)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        return _tasks.TryGetValue(task, out var handler)
            ? handler
            : throw new ArgumentException(
                $"Unknown task '{task}'; known: {string.Join(", ", _tasks.Keys.Order(StringComparer.Ordinal))}.", nameof(task));
    }

    private static async Task<List<(string Id, object Input)>> ParseAllAsync(
        IBatchPredictionTask handler, TextReader reader, string source, CancellationToken cancellationToken)
    {
        var items = new List<(string Id, object Input)>();
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"expected a JSON object, got {JsonLineFields.Kind(root)}");
                }

                if (!root.TryGetProperty("id", out var id))
                {
                    throw new FormatException("missing field \"id\"");
                }

                if (id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    throw new FormatException($"field \"id\" must be a string or a number, not {JsonLineFields.Kind(id)}");
                }

                items.Add((id.GetRawText(), handler.ParseInput(root)));
            }
            catch (JsonException ex)
            {
                throw new InputFormatException(source, lineNumber, $"invalid JSON ({ex.Message})", ex);
            }
            catch (FormatException ex)
            {
                throw new InputFormatException(source, lineNumber, ex.Message, ex);
            }
        }

        return items;
    }

    private static List<string> Predict(
        IBatchPredictionTask handler, List<(string Id, object Input)> items, CancellationToken cancellationToken)
    {
        var lines = new List<string>(items.Count);
        for (var start = 0; start < items.Count; start += PredictChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = items.Skip(start).Take(PredictChunk).ToList();
            var predictions = handler.PredictBatch(chunk.ConvertAll(i => i.Input), cancellationToken);
            for (var i = 0; i < chunk.Count; i++)
            {
                lines.Add(FormatLine(handler, chunk[i].Id, predictions[i]));
            }
        }

        return lines;
    }

    private static string FormatLine(IBatchPredictionTask handler, string rawId, object prediction)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("id");
            json.WriteRawValue(rawId, skipInputValidation: true);
            handler.WritePrediction(json, prediction);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static async Task WriteAllAsync(TextWriter writer, List<string> lines, CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            await writer.WriteAsync(line.AsMemory(), cancellationToken);
            await writer.WriteAsync('\n');
        }

        await writer.FlushAsync(cancellationToken);
    }
}
