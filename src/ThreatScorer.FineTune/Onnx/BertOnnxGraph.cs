using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace ThreatScorer.FineTune.Onnx;

/// <summary>What an initializer of the exported BERT graph is.</summary>
public enum InitializerRole
{
    /// <summary>A trainable weight, named as in Hugging Face BERT (<c>encoder.layer.0.attention.self.query.weight</c>).</summary>
    Parameter,

    /// <summary>A non-trainable tensor the model carries (<c>embeddings.position_ids</c>).</summary>
    Buffer,

    /// <summary>An int64 constant of the exporter's shape arithmetic (head count, head size, slice bounds).</summary>
    GraphConstant,
}

/// <summary>
/// One initializer: its ONNX name and shape, the BERT name it stands for, and whether ONNX stores it transposed
/// (a MatMul weight is [in, out]; a torch Linear's is [out, in]).
/// </summary>
public sealed record InitializerMapping(string OnnxName, string BertName, InitializerRole Role, long[] OnnxShape, bool Transposed)
{
    /// <summary>The shape in torch layout.</summary>
    public long[] TorchShape => Transposed ? [OnnxShape[1], OnnxShape[0]] : OnnxShape;
}

/// <summary>Sizes of a BERT encoder, read from the graph.</summary>
public sealed record BertConfig(int Layers, int Hidden, int Heads, int Intermediate, int Vocabulary, int MaxPositions, int TokenTypes)
{
    /// <summary>BERT's LayerNorm epsilon (torch's default, 1e-5, is not BERT's).</summary>
    public const double LayerNormEpsilon = 1e-12;
}

/// <summary>
/// The MiniLM (BERT) ONNX graph with every initializer mapped to the BERT parameter it holds, so weights can be read
/// into a torch module and fine-tuned weights written back into a copy of the same graph (same nodes, new
/// initializers). The exporter left the 36 MatMul weights anonymous (<c>927</c>); each is named through the bias of
/// the Add node that consumes its product (<c>….query.bias</c> → <c>….query.weight</c>).
/// </summary>
public sealed class BertOnnxGraph
{
    private readonly ModelProto _model;
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly Dictionary<string, InitializerMapping> _byBertName;

    private BertOnnxGraph(ModelProto model)
    {
        _model = model;
        _initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Mappings = Map(model.Graph);
        _byBertName = Mappings.Where(m => m.Role != InitializerRole.GraphConstant).ToDictionary(m => m.BertName, StringComparer.Ordinal);
        Config = ReadConfig(model.Graph, _byBertName);
    }

    /// <summary>Every initializer of the graph, in graph order.</summary>
    public IReadOnlyList<InitializerMapping> Mappings { get; }

    /// <summary>The encoder's sizes.</summary>
    public BertConfig Config { get; }

    /// <summary>The trainable parameters' BERT names (embeddings, encoder layers, pooler).</summary>
    public IEnumerable<string> ParameterNames => Mappings.Where(m => m.Role == InitializerRole.Parameter).Select(m => m.BertName);

    /// <summary>Parses an ONNX model.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a BERT graph this reader understands (what is missing is named).</exception>
    public static BertOnnxGraph Parse(byte[] onnx)
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

        if (model.Graph is null || model.Graph.Initializer.Count == 0)
        {
            throw new InvalidDataException("the ONNX model has no graph initializers");
        }

        return new BertOnnxGraph(model);
    }

    /// <summary>The shipped all-MiniLM-L6-v2 graph.</summary>
    public static BertOnnxGraph LoadMiniLm() => Parse(MiniLmPackage.ReadModel());

    /// <summary>A float parameter or buffer in torch layout (row-major), with its torch shape.</summary>
    /// <exception cref="KeyNotFoundException">No initializer holds <paramref name="bertName"/>.</exception>
    public float[] Read(string bertName, out long[] torchShape)
    {
        var mapping = _byBertName.TryGetValue(bertName, out var m) ? m : throw new KeyNotFoundException($"the graph holds no '{bertName}'");
        torchShape = mapping.TorchShape;
        var data = Floats(_initializers[mapping.OnnxName]);
        return mapping.Transposed ? Transpose(data, (int)mapping.OnnxShape[0], (int)mapping.OnnxShape[1]) : data;
    }

    /// <summary>
    /// A copy of the graph whose parameters named in <paramref name="parameters"/> (torch layout) are replaced; the
    /// others, the nodes, inputs and outputs are kept.
    /// </summary>
    /// <exception cref="ArgumentException">A name the graph does not hold, or a length that does not match its shape.</exception>
    public byte[] WithParameters(IReadOnlyDictionary<string, float[]> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var copy = _model.Clone();
        var initializers = copy.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, values) in parameters)
        {
            if (!_byBertName.TryGetValue(name, out var mapping) || mapping.Role != InitializerRole.Parameter)
            {
                throw new ArgumentException($"the graph has no parameter '{name}'", nameof(parameters));
            }

            var expected = mapping.OnnxShape.Aggregate(1L, (a, b) => a * b);
            if (values.Length != expected)
            {
                throw new ArgumentException($"'{name}' has {values.Length} values; its shape [{string.Join(", ", mapping.TorchShape)}] holds {expected}", nameof(parameters));
            }

            var onnxLayout = mapping.Transposed ? Transpose(values, (int)mapping.OnnxShape[1], (int)mapping.OnnxShape[0]) : values;
            var tensor = initializers[mapping.OnnxName];
            tensor.FloatData.Clear();
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(onnxLayout.AsSpan()));
        }

        return copy.ToByteArray();
    }

    private static List<InitializerMapping> Map(GraphProto graph)
    {
        var names = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        // product name → the bias added to it; a MatMul's weight takes that bias's name with .weight.
        var biasOfProduct = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Add" && n.Input.Count == 2))
        {
            var bias = node.Input.FirstOrDefault(i => names.Contains(i) && i.EndsWith(".bias", StringComparison.Ordinal));
            var product = node.Input.FirstOrDefault(i => i != bias);
            if (bias is not null && product is not null)
            {
                biasOfProduct[product] = bias;
            }
        }

        var weightName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2 && names.Contains(n.Input[1])))
        {
            if (!biasOfProduct.TryGetValue(node.Output[0], out var bias))
            {
                throw new InvalidDataException($"MatMul '{node.Name}' multiplies by initializer '{node.Input[1]}' but no named bias is added to its product");
            }

            weightName[node.Input[1]] = bias[..^".bias".Length] + ".weight";
        }

        var mappings = new List<InitializerMapping>(graph.Initializer.Count);
        foreach (var tensor in graph.Initializer)
        {
            var shape = tensor.Dims.ToArray();
            var isFloat = tensor.DataType == (int)TensorProto.Types.DataType.Float;
            var isInt64 = tensor.DataType == (int)TensorProto.Types.DataType.Int64;
            if (weightName.TryGetValue(tensor.Name, out var weight))
            {
                mappings.Add(new InitializerMapping(tensor.Name, weight, InitializerRole.Parameter, shape, Transposed: true));
            }
            else if (isFloat && (tensor.Name.StartsWith("embeddings.", StringComparison.Ordinal)
                || tensor.Name.StartsWith("encoder.layer.", StringComparison.Ordinal)
                || tensor.Name.StartsWith("pooler.", StringComparison.Ordinal)))
            {
                // The pooler is a Gemm with transB=1: its weight is already [out, in].
                mappings.Add(new InitializerMapping(tensor.Name, tensor.Name, InitializerRole.Parameter, shape, Transposed: false));
            }
            else if (isInt64 && tensor.Name == "embeddings.position_ids")
            {
                mappings.Add(new InitializerMapping(tensor.Name, tensor.Name, InitializerRole.Buffer, shape, Transposed: false));
            }
            else if (isInt64 && shape.Aggregate(1L, (a, b) => a * b) <= 4)
            {
                mappings.Add(new InitializerMapping(tensor.Name, tensor.Name, InitializerRole.GraphConstant, shape, Transposed: false));
            }
            else
            {
                throw new InvalidDataException($"initializer '{tensor.Name}' [{string.Join(", ", shape)}] (type {tensor.DataType}) is not a BERT parameter this reader knows");
            }
        }

        return mappings;
    }

    private static BertConfig ReadConfig(GraphProto graph, Dictionary<string, InitializerMapping> byName)
    {
        long[] Shape(string name) => byName.TryGetValue(name, out var m) ? m.TorchShape : throw new InvalidDataException($"the graph has no '{name}'");
        var words = Shape("embeddings.word_embeddings.weight");
        var layers = 0;
        while (byName.ContainsKey($"encoder.layer.{layers}.attention.self.query.weight"))
        {
            layers++;
        }

        if (layers == 0)
        {
            throw new InvalidDataException("the graph has no encoder.layer.0.attention.self.query.weight");
        }

        // The head count is the first int64 constant after the two dynamic sizes in the Concat that shapes the keys
        // into [batch, tokens, heads, head size].
        var constants = graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Int64).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var split = graph.Node.FirstOrDefault(n => n.OpType == "Concat" && n.Input.Count == 4 && constants.ContainsKey(n.Input[2]) && constants.ContainsKey(n.Input[3]))
            ?? throw new InvalidDataException("no Concat splitting the hidden states into heads");
        var heads = (int)Int64s(constants[split.Input[2]])[0];
        var headSize = (int)Int64s(constants[split.Input[3]])[0];
        if (heads * headSize != words[1])
        {
            throw new InvalidDataException($"{heads} heads × {headSize} does not make hidden size {words[1]}");
        }

        return new BertConfig(
            layers,
            (int)words[1],
            heads,
            (int)Shape("encoder.layer.0.intermediate.dense.bias")[0],
            (int)words[0],
            (int)Shape("embeddings.position_embeddings.weight")[0],
            (int)Shape("embeddings.token_type_embeddings.weight")[0]);
    }

    private static float[] Floats(TensorProto tensor) =>
        tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : tensor.FloatData.ToArray();

    private static long[] Int64s(TensorProto tensor) =>
        tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray() : tensor.Int64Data.ToArray();

    private static float[] Transpose(float[] data, int rows, int columns)
    {
        var result = new float[data.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = data[(r * columns) + c];
            }
        }

        return result;
    }
}
