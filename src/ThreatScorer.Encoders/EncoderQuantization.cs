using Google.Protobuf;
using Onnx;

namespace ThreatScorer.Encoders;

/// <summary>
/// Dynamic int8 quantisation of an encoder's weight matrices, done in memory at load (no second model file to ship):
/// every <c>MatMul</c> by a constant float [K, N] weight becomes an OnnxRuntime <c>DynamicQuantizeMatMul</c> over
/// symmetric per-column int8 weights; activations are quantised per call by OnnxRuntime. Embeddings, LayerNorms,
/// biases and the attention products stay float.
/// </summary>
public static class EncoderQuantization
{
    /// <summary>The value of <c>"encoderQuantization"</c> in metrics.json that selects it.</summary>
    public const string Int8Setting = "int8";

    private const string MicrosoftDomain = "com.microsoft";

    /// <summary>Returns the quantised model and how many matrices were quantised.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model.</exception>
    public static (byte[] Model, int Matrices) Int8Dynamic(byte[] onnx)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"not an ONNX model ({ex.Message})", ex);
        }

        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).GroupBy(i => i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var quantised = 0;
        foreach (var node in graph.Node)
        {
            if (node.OpType != "MatMul" || node.Domain is { Length: > 0 } || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var weight)
                || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count != 2)
            {
                continue;
            }

            var (rows, cols) = ((int)weight.Dims[0], (int)weight.Dims[1]);
            var values = Floats(weight, rows * cols);
            var scales = new float[cols];
            for (var c = 0; c < cols; c++)
            {
                var max = 0f;
                for (var r = 0; r < rows; r++)
                {
                    max = Math.Max(max, Math.Abs(values[(r * cols) + c]));
                }

                scales[c] = max > 0 ? max / 127f : 1f;
            }

            var q = new byte[rows * cols];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < cols; c++)
                {
                    q[(r * cols) + c] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(values[(r * cols) + c] / scales[c]), -127, 127));
                }
            }

            var name = weight.Name;
            graph.Initializer.Add(Tensor($"{name}_int8", TensorProto.Types.DataType.Int8, [rows, cols], q));
            graph.Initializer.Add(Tensor($"{name}_scale", TensorProto.Types.DataType.Float, [cols], System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()).ToArray()));
            graph.Initializer.Add(Tensor($"{name}_zero", TensorProto.Types.DataType.Int8, [cols], new byte[cols]));
            if (--uses[name] == 0)
            {
                graph.Initializer.Remove(weight);
            }

            var input = node.Input[0];
            node.OpType = "DynamicQuantizeMatMul";
            node.Domain = MicrosoftDomain;
            node.Input.Clear();
            node.Input.Add([input, $"{name}_int8", $"{name}_scale", $"{name}_zero"]);
            quantised++;
        }

        if (!model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        return (model.ToByteArray(), quantised);
    }

    /// <summary>
    /// The file to ship: <see cref="Int8Dynamic"/> plus the large embedding tables (any constant float [V, D] table read
    /// by a <c>Gather</c> along axis 0 with at least <paramref name="minimumRows"/> rows, i.e. the word embeddings) stored
    /// as int8 with one symmetric scale per row, dequantised after the lookup (<c>Gather</c> → <c>Cast</c> → <c>Mul</c>
    /// by the row's gathered scale). Standard ONNX ops; for MiniLM-L6 this takes the 87 MiB float file to ~23 MB.
    /// Load it as is (no <c>"encoderQuantization"</c>): its matrices are already quantised.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model.</exception>
    public static (byte[] Model, int Matrices, int Tables) Int8ForDisk(byte[] onnx, int minimumRows = 4096)
    {
        var (matrices, count) = Int8Dynamic(onnx);
        var model = ModelProto.Parser.ParseFrom(matrices);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).GroupBy(i => i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var tables = 0;
        for (var index = 0; index < graph.Node.Count; index++)
        {
            var node = graph.Node[index];
            if (node.OpType != "Gather" || node.Domain is { Length: > 0 } || node.Input.Count != 2
                || node.Attribute.Any(a => a.Name == "axis" && a.I != 0)
                || !initializers.TryGetValue(node.Input[0], out var table)
                || table.DataType != (int)TensorProto.Types.DataType.Float || table.Dims.Count != 2 || table.Dims[0] < minimumRows
                || uses[table.Name] != 1)
            {
                continue;
            }

            var (rows, cols) = ((int)table.Dims[0], (int)table.Dims[1]);
            var values = Floats(table, rows * cols);
            var scales = new float[rows];
            var q = new byte[rows * cols];
            for (var r = 0; r < rows; r++)
            {
                var max = 0f;
                for (var c = 0; c < cols; c++)
                {
                    max = Math.Max(max, Math.Abs(values[(r * cols) + c]));
                }

                scales[r] = max > 0 ? max / 127f : 1f;
                for (var c = 0; c < cols; c++)
                {
                    q[(r * cols) + c] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(values[(r * cols) + c] / scales[r]), -127, 127));
                }
            }

            var name = table.Name;
            graph.Initializer.Remove(table);
            graph.Initializer.Add(Tensor($"{name}_int8", TensorProto.Types.DataType.Int8, [rows, cols], q));
            graph.Initializer.Add(Tensor($"{name}_rowscale", TensorProto.Types.DataType.Float, [rows, 1], System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()).ToArray()));
            var ids = node.Input[1];
            var output = node.Output[0];
            var (gathered, asFloat, rowScale) = ($"{output}_int8", $"{output}_float", $"{output}_rowscale");
            node.Input[0] = $"{name}_int8";
            node.Output[0] = gathered;
            var cast = new NodeProto { OpType = "Cast", Name = $"{node.Name}_dequantise_cast" };
            cast.Input.Add(gathered);
            cast.Output.Add(asFloat);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
            var scale = new NodeProto { OpType = "Gather", Name = $"{node.Name}_dequantise_scale" };
            scale.Input.Add([$"{name}_rowscale", ids]);
            scale.Output.Add(rowScale);
            var mul = new NodeProto { OpType = "Mul", Name = $"{node.Name}_dequantise_mul" };
            mul.Input.Add([asFloat, rowScale]);
            mul.Output.Add(output);
            graph.Node.Insert(index + 1, cast);
            graph.Node.Insert(index + 2, scale);
            graph.Node.Insert(index + 3, mul);
            index += 3;
            tables++;
        }

        return (model.ToByteArray(), count, tables);
    }

    private static float[] Floats(TensorProto tensor, int count)
    {
        if (tensor.FloatData.Count == count)
        {
            return [.. tensor.FloatData];
        }

        var raw = tensor.RawData.Span;
        if (raw.Length != count * sizeof(float))
        {
            throw new InvalidDataException($"weight '{tensor.Name}' holds {raw.Length} bytes, expected {count} floats");
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).ToArray();
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, long[] dims, byte[] raw)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}
