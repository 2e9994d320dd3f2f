namespace ThreatScorer.Core.Models;

/// <summary>A model directory is missing, incomplete or corrupt; the message names the path and the reason.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException()
        : this(string.Empty, "model could not be loaded")
    {
    }

    public ModelLoadException(string message)
        : this(string.Empty, message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : this(string.Empty, message, innerException)
    {
    }

    public ModelLoadException(string path, string reason, Exception? innerException = null)
        : base($"Cannot load model from '{path}': {reason}", innerException)
    {
        ModelPath = path;
        Reason = reason;
    }

    /// <summary>The file or directory that could not be used.</summary>
    public string ModelPath { get; }

    /// <summary>Why it could not be used.</summary>
    public string Reason { get; }
}
