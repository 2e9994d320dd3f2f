using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Parquet;
using Parquet.Schema;

namespace ThreatScorer.Web.Exports;

/// <summary>The export formats.</summary>
internal enum ExportFormat
{
    Csv,
    Jsonl,
    Parquet,
}

/// <summary>
/// Writes rows as CSV (CsvHelper), JSON Lines or Parquet (Parquet.Net), streaming: rows are read one at a time
/// from the store and never all held, so there is no row cap. CSV and JSONL go straight to the response;
/// Parquet needs a seekable stream, so row groups of <see cref="ParquetRowGroupSize"/> rows go to a temporary
/// file that is then streamed out.
/// </summary>
internal static class ExportWriter
{
    public const int ParquetRowGroupSize = 50_000;

    public static bool TryParse(string? text, out ExportFormat format)
    {
        format = (text ?? "csv").ToLowerInvariant() switch
        {
            "csv" => ExportFormat.Csv,
            "jsonl" or "ndjson" => ExportFormat.Jsonl,
            "parquet" => ExportFormat.Parquet,
            _ => (ExportFormat)(-1),
        };
        return Enum.IsDefined(format);
    }

    public static string ContentType(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.Jsonl => "application/x-ndjson; charset=utf-8",
        _ => "application/vnd.apache.parquet",
    };

    public static string Extension(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "csv",
        ExportFormat.Jsonl => "jsonl",
        _ => "parquet",
    };

    public static Task<long> WriteAsync<T>(ExportFormat format, IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows, Stream output, CancellationToken cancellationToken) =>
        format switch
        {
            ExportFormat.Csv => WriteCsvAsync(columns, rows, output, cancellationToken),
            ExportFormat.Jsonl => WriteJsonLinesAsync(columns, rows, output, cancellationToken),
            _ => WriteParquetAsync(columns, rows, output, cancellationToken),
        };

    private static async Task<long> WriteCsvAsync<T>(IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows, Stream output, CancellationToken cancellationToken)
    {
        // CsvHelper buffers UTF-8 itself and flushes asynchronously from EndRecordAsync when its buffer fills.
        await using var csv = CsvWriter.Create(output, options: null, leaveOpen: true);
        foreach (var column in columns)
        {
            csv.WriteField(column.Name);
        }

        await csv.EndRecordAsync(cancellationToken);
        long count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            foreach (var column in columns)
            {
                var text = FormatText(column.Value(row));
                csv.WriteField(column.Type == ColumnType.Text ? NeutraliseFormula(text) : text);
            }

            await csv.EndRecordAsync(cancellationToken);
            count++;
        }

        await csv.FlushAsync(cancellationToken);
        return count;
    }

    private static async Task<long> WriteJsonLinesAsync<T>(IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows, Stream output, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        long count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            json.Reset(buffer);
            json.WriteStartObject();
            foreach (var column in columns)
            {
                WriteJsonValue(json, column.Name, column.Value(row));
            }

            json.WriteEndObject();
            await json.FlushAsync(cancellationToken);
            buffer.WriteByte((byte)'\n');
            count++;
            if (buffer.Length >= 64 * 1024)
            {
                await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
                buffer.SetLength(0);
            }
        }

        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        return count;
    }

    private static void WriteJsonValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case string s:
                json.WriteString(name, s);
                break;
            case double d:
                json.WriteNumber(name, d);
                break;
            case int i:
                json.WriteNumber(name, i);
                break;
            case bool b:
                json.WriteBoolean(name, b);
                break;
            case DateTimeOffset t:
                json.WriteString(name, t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>
    /// A text cell that a spreadsheet would run as a formula (OWASP CSV injection: a leading = + - @ tab or carriage
    /// return, e.g. <c>=HYPERLINK(…)</c> in an article title) gets a leading apostrophe, so it is shown as text.
    /// Only text columns: numbers such as -0.52 are written by this app and stay numbers. JSONL and Parquet carry
    /// the value unchanged (no spreadsheet evaluates them).
    /// </summary>
    internal static string NeutraliseFormula(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20' ? "'" + text : text;

    private static string FormatText(object? value) => value switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static async Task<long> WriteParquetAsync<T>(IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows, Stream output, CancellationToken cancellationToken)
    {
        var fields = columns.Select(c => (DataField)(c.Type switch
        {
            ColumnType.Number => new DataField<double?>(c.Name),
            ColumnType.Integer => new DataField<int?>(c.Name),
            ColumnType.Boolean => new DataField<bool?>(c.Name),
            ColumnType.Time => new DataField<DateTime?>(c.Name),
            _ => new DataField<string>(c.Name),
        })).ToArray();
        var schema = new ParquetSchema(fields);
        var path = Path.Combine(Path.GetTempPath(), "threatscorer-export-" + Guid.NewGuid().ToString("N") + ".parquet");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        long count = 0;
        await using (var writer = await ParquetWriter.CreateAsync(schema, file, cancellationToken: cancellationToken))
        {
            var batch = new List<T>(ParquetRowGroupSize);
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                batch.Add(row);
                if (batch.Count == ParquetRowGroupSize)
                {
                    await WriteRowGroupAsync(writer, fields, columns, batch, cancellationToken);
                    count += batch.Count;
                    batch.Clear();
                }
            }

            if (batch.Count > 0 || count == 0)
            {
                await WriteRowGroupAsync(writer, fields, columns, batch, cancellationToken);
                count += batch.Count;
            }
        }

        file.Position = 0;
        await file.CopyToAsync(output, cancellationToken);
        return count;
    }

    private static async Task WriteRowGroupAsync<T>(ParquetWriter writer, DataField[] fields, IReadOnlyList<ExportColumn<T>> columns, List<T> batch, CancellationToken cancellationToken)
    {
        using var group = writer.CreateRowGroup();
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            var field = fields[i];
            switch (column.Type)
            {
                case ColumnType.Number:
                    await group.WriteAsync<double>(field, batch.Select(r => column.Value(r) as double?).ToArray(), cancellationToken: cancellationToken);
                    break;
                case ColumnType.Integer:
                    await group.WriteAsync<int>(field, batch.Select(r => column.Value(r) as int?).ToArray(), cancellationToken: cancellationToken);
                    break;
                case ColumnType.Boolean:
                    await group.WriteAsync<bool>(field, batch.Select(r => column.Value(r) as bool?).ToArray(), cancellationToken: cancellationToken);
                    break;
                case ColumnType.Time:
                    await group.WriteAsync<DateTime>(field, batch.Select(r => (column.Value(r) as DateTimeOffset?)?.UtcDateTime).ToArray(), cancellationToken: cancellationToken);
                    break;
                default:
                    await group.WriteAsync(field, batch.Select(r => column.Value(r) as string).ToArray());
                    break;
            }
        }
    }
}
