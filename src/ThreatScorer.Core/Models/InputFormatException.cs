namespace ThreatScorer.Core.Models;

/// <summary>A line of a JSONL input file is malformed; carries the file, the 1-based line and the reason.</summary>
public sealed class InputFormatException : Exception
{
    public InputFormatException()
        : this("input", 0, "malformed input")
    {
    }

    public InputFormatException(string message)
        : this("input", 0, message)
    {
    }

    public InputFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "input";
        Reason = message;
    }

    public InputFormatException(string file, int line, string reason, Exception? innerException = null)
        : base($"{file}:{line}: {reason}", innerException)
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    /// <summary>The file (or source name) the line came from.</summary>
    public string File { get; }

    /// <summary>The 1-based line number (0 when not tied to a line).</summary>
    public int Line { get; }

    /// <summary>What is wrong with the line.</summary>
    public string Reason { get; }
}
