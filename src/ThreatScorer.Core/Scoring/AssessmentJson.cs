using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ThreatScorer.Core.Scoring;

/// <summary>The one JSON shape of an assessment, shared by the store, the CLI and exports.</summary>
public static class AssessmentJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    public static string Serialize(ArticleAssessment assessment, bool indented = false) =>
        JsonSerializer.Serialize(assessment, indented ? Indented : Options);

    public static ArticleAssessment Deserialize(string json) =>
        JsonSerializer.Deserialize<ArticleAssessment>(json, Options)
        ?? throw new JsonException("assessment JSON was null");

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = indented,
        // Article text is untrusted; escaping is left to whatever renders it, so keep the JSON readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
