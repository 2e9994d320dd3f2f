using Xunit.Abstractions;

namespace ThreatScorer.Tests.TestSupport;

/// <summary>
/// The figures a reliability proof prints: to the test output, and appended to the file named by
/// THREATSCORER_PROOF_LOG (scripts/test.sh prints that file at the end of a run, so CI shows them).
/// </summary>
public static class ProofLog
{
    private static readonly Lock Gate = new();

    public static void Write(ITestOutputHelper output, string text)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(text);
        if (Environment.GetEnvironmentVariable("THREATSCORER_PROOF_LOG") is { Length: > 0 } path)
        {
            lock (Gate)
            {
                File.AppendAllText(path, text.TrimEnd() + Environment.NewLine);
            }
        }
    }
}
