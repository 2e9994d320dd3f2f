namespace ThreatScorer.Core.Models;

/// <summary>A model (or the gazetteer) could not be loaded; the message names the path and the reason.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string path, string reason, Exception? inner = null)
        : base($"Cannot load model '{path}': {reason}", inner)
    {
        ModelPath = path;
        Reason = reason;
    }

    public ModelLoadException()
    {
        ModelPath = string.Empty;
        Reason = string.Empty;
    }

    public ModelLoadException(string message)
        : base(message)
    {
        ModelPath = string.Empty;
        Reason = message;
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        ModelPath = string.Empty;
        Reason = message;
    }

    public string ModelPath { get; }

    public string Reason { get; }
}
