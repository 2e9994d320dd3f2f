using ThreatScorer.Encoders;

namespace ThreatScorer.Tests.Encoders;

/// <summary>One MiniLM encoder for the encoder tests (loading it takes about a second).</summary>
public sealed class EncoderFixture : IDisposable
{
    public MiniLmEncoder Encoder { get; } = new(intraOpThreads: 1);

    public void Dispose() => Encoder.Dispose();
}
