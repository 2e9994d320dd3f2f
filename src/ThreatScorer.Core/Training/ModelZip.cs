using System.IO.Compression;
using Microsoft.ML;

namespace ThreatScorer.Core.Training;

/// <summary>Saves ML.NET models so that equal inputs give equal bytes (a reproducibility requirement).</summary>
internal static class ModelZip
{
    // Zip entries get this timestamp so the bytes depend only on the model (ZIP's DOS time cannot go earlier).
    private static readonly DateTimeOffset ZipEpoch = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Saves <paramref name="model"/> with entries sorted by name and a fixed timestamp.</summary>
    public static void SaveNormalised(MLContext ml, ITransformer model, DataViewSchema schema, string path)
    {
        using var buffer = new MemoryStream();
        ml.Model.Save(model, schema, buffer);
        buffer.Position = 0;
        using var source = new ZipArchive(buffer, ZipArchiveMode.Read);
        using var target = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        foreach (var entry in source.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
            copy.LastWriteTime = ZipEpoch;
            using var from = entry.Open();
            using var to = copy.Open();
            from.CopyTo(to);
        }
    }
}
