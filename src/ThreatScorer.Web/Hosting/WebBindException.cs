namespace ThreatScorer.Web.Hosting;

/// <summary>The analyst UI could not listen on its address (in use, or not this machine's): a setting to fix, not a crash.</summary>
public sealed class WebBindException(string message, Exception innerException) : IOException(message, innerException);
