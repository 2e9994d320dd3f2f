using System.Globalization;
using System.Text.Json;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// One JSON article object: <c>{id?, title?, text|body|content, url?, source?, published_at?, language?}</c>.
/// Unknown fields are ignored; a field of the wrong type, or a key given twice, is a rejection that names it.
/// </summary>
internal static class JsonArticleParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    private static readonly string[] TextFields = ["text", "body", "content"];

    public static (RawArticle? Article, string? Reason) Parse(ReadOnlyMemory<byte> utf8, string sourcePath, int? line)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8, Options);
            return Map(document.RootElement, sourcePath, line);
        }
        catch (JsonException ex)
        {
            return (null, "invalid JSON: " + ex.Message);
        }
    }

    public static (RawArticle? Article, string? Reason) Parse(string json, string sourcePath)
    {
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            return Map(document.RootElement, sourcePath, null);
        }
        catch (JsonException ex)
        {
            return (null, "invalid JSON: " + ex.Message);
        }
    }

    private static (RawArticle? Article, string? Reason) Map(JsonElement root, string sourcePath, int? line)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, $"expected a JSON object, found {Kind(root.ValueKind)}");
        }

        // JSON parsers disagree on which of two equal keys wins ("text" twice can show a reviewer one text and
        // score another): such a record is refused, naming the key.
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                return (null, "a key is not valid text (a lone surrogate escape)");
            }

            if (!keys.Add(name))
            {
                return (null, $"duplicate key \"{name}\"");
            }
        }

        string? text = null;
        string? textField = null;
        foreach (var field in TextFields)
        {
            if (!TryString(root, field, out text, out var error))
            {
                return (null, error);
            }

            if (text is not null)
            {
                textField = field;
                break;
            }
        }

        if (text is null)
        {
            return (null, "no text: one of \"text\", \"body\" or \"content\" is required");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, $"field \"{textField}\": empty");
        }

        if (!TryId(root, out var id, out var reason)
            || !TryString(root, "title", out var title, out reason)
            || !TryString(root, "url", out var url, out reason)
            || !TryString(root, "source", out var source, out reason)
            || !TryString(root, "language", out var language, out reason)
            || !TryDate(root, out var published, out reason))
        {
            return (null, reason);
        }

        if (url is not null && !IsWebUrl(url))
        {
            return (null, $"field \"url\": not an absolute http(s) URL ({Quote(url)})");
        }

        return (new RawArticle
        {
            ExternalId = id,
            Title = string.IsNullOrWhiteSpace(title) ? null : title,
            Text = text,
            Url = url,
            Source = string.IsNullOrWhiteSpace(source) ? null : source,
            PublishedAt = published,
            Language = string.IsNullOrWhiteSpace(language) ? null : language.Trim(),
            SourcePath = sourcePath,
            SourceLine = line,
        }, null);
    }

    private static bool TryString(JsonElement root, string name, out string? value, out string? reason)
    {
        value = null;
        reason = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            reason = $"field \"{name}\": expected a string, found {Kind(element.ValueKind)}";
            return false;
        }

        try
        {
            value = element.GetString();
        }
        catch (InvalidOperationException ex)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON syntax but not text.
            reason = $"field \"{name}\": not valid text ({ex.Message})";
            return false;
        }

        return true;
    }

    private static bool TryId(JsonElement root, out string? id, out string? reason)
    {
        // Feeds use numeric ids as often as string ones; both become the same text.
        if (root.TryGetProperty("id", out var element) && element.ValueKind == JsonValueKind.Number)
        {
            id = element.GetRawText();
            reason = null;
            return true;
        }

        return TryString(root, "id", out id, out reason);
    }

    private static bool TryDate(JsonElement root, out DateTimeOffset? published, out string? reason)
    {
        published = null;

        // "published" is what the White House export and several scrapers write.
        var name = root.TryGetProperty("published_at", out _) ? "published_at" : "published";
        if (!TryString(root, name, out var value, out reason) || string.IsNullOrWhiteSpace(value))
        {
            return reason is null;
        }

        if (!IsoDate.TryParse(value, out var parsed))
        {
            reason = $"field \"{name}\": not an ISO-8601 date ({Quote(value)})";
            return false;
        }

        published = parsed;
        return true;
    }

    private static bool IsWebUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => kind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    private static string Quote(string value) =>
        "\"" + (value.Length > 60 ? value[..60] + "…" : value) + "\"";
}
