namespace ThreatScorer.Core.Actors;

/// <summary>
/// Reads actors-supplement.tsv: id, name, type, country, '|'-separated aliases; '#' lines are comments. An empty id
/// is derived from the type and name (PER.VLADIMIR_PUTIN).
/// </summary>
internal static class ActorSupplement
{
    public static List<Actor> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Actor supplement not found at '{Path.GetFullPath(path)}'.", path);
        }

        var actors = new List<Actor>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("id\t", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length < 4 || cells[1].Trim().Length == 0
                || !Enum.TryParse<ActorType>(cells[2].Trim(), out var type) || !Enum.IsDefined(type))
            {
                throw new InvalidDataException(
                    $"Actor supplement '{path}' line {lineNumber}: expected id, name, type, country, aliases; got '{line}'.");
            }

            var name = cells[1].Trim();
            var id = cells[0].Trim();
            if (id.Length == 0)
            {
                id = GazetteerBuilder.Prefix(type) + GazetteerBuilder.Slug(name);
            }

            var country = cells[3].Trim();
            var aliases = cells.Length > 4
                ? cells[4].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
            actors.Add(new Actor(id, name, type, country.Length == 0 ? null : country, aliases));
        }

        return actors;
    }
}
