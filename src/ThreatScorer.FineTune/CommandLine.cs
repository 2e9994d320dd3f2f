using System.Globalization;

namespace ThreatScorer.FineTune;

/// <summary>A bad command line; the message names the option.</summary>
public sealed class CommandLineException(string message) : Exception(message);

/// <summary><c>--name value</c> options (repeatable); every option must be used, so a misspelt one is an error.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var line = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
            {
                throw new CommandLineException($"unexpected argument '{args[i]}' (options are --name value)");
            }

            if (i + 1 >= args.Count)
            {
                throw new CommandLineException($"{args[i]} needs a value");
            }

            var name = args[i][2..];
            if (!line._values.TryGetValue(name, out var list))
            {
                line._values[name] = list = [];
            }

            list.Add(args[++i]);
        }

        return line;
    }

    public IReadOnlyList<string> All(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var list) ? list : [];
    }

    public string Required(string name) =>
        All(name) switch
        {
            [var one] => one,
            [] => throw new CommandLineException($"--{name} is required"),
            _ => throw new CommandLineException($"--{name} given more than once"),
        };

    public int Whole(string name, int fallback) =>
        Optional(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
        : throw new CommandLineException($"--{name} must be a whole number ≥ 0, not '{text}'");

    public double Positive(string name, double fallback) =>
        Optional(name) is not { } text ? fallback
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
        : throw new CommandLineException($"--{name} must be a positive number, not '{text}'");

    public void ThrowOnUnused()
    {
        var unused = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unused.Count > 0)
        {
            throw new CommandLineException($"unknown option(s): {string.Join(", ", unused.Select(u => "--" + u))}");
        }
    }

    private string? Optional(string name) =>
        All(name) switch
        {
            [] => null,
            [var one] => one,
            _ => throw new CommandLineException($"--{name} given more than once"),
        };
}
