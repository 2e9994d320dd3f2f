using System.Diagnostics;

namespace ThreatScorer.Tests.TestSupport;

/// <summary>Named pipes (FIFOs) for tests: opening one for reading blocks until a writer comes.</summary>
internal static class Fifo
{
    /// <summary>Makes a FIFO at <paramref name="path"/> with mkfifo; throws when mkfifo fails.</summary>
    public static void Make(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} exited {mkfifo.ExitCode}");
        }
    }
}
