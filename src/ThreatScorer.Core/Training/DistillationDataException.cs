namespace ThreatScorer.Core.Training;

/// <summary>
/// Distillation labels cannot be joined with their text: a dataset they name is not given, an item is missing or
/// shorter than the stored offsets, or a sentence changed since it was labelled. The message says which and what to do.
/// </summary>
public sealed class DistillationDataException : Exception
{
    public DistillationDataException()
    {
    }

    public DistillationDataException(string message)
        : base(message)
    {
    }

    public DistillationDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
