using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ThreatScorer.Core.Training;

/// <summary>How a model's metrics.json names the files it was trained on: file name and SHA-256 of each.</summary>
internal static class TrainingFiles
{
    public static JsonArray Describe(IEnumerable<string> files) =>
        new([.. files.Select(f => (JsonNode)new JsonObject
        {
            ["name"] = Path.GetFileName(f),
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))),
        })]);
}
