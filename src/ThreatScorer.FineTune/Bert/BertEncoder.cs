using TorchSharp;
using TorchSharp.Modules;
using ThreatScorer.FineTune.Onnx;
using static TorchSharp.torch;

namespace ThreatScorer.FineTune.Bert;

/// <summary>
/// BERT's encoder (embeddings and transformer layers, no pooler) written out in TorchSharp, so its parameters carry
/// Hugging Face's names and load one-to-one from <see cref="BertOnnxGraph"/>. Not TorchSharp's TransformerEncoderLayer:
/// that fuses Q/K/V, uses LayerNorm eps 1e-5 and a different GELU.
/// </summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding _words;
    private readonly Embedding _positions;
    private readonly Embedding _types;
    private readonly LayerNorm _norm;
    private readonly Dropout _dropout;
    private readonly BertLayer[] _layers;

    public BertEncoder(BertConfig config, double dropout = 0.1)
        : base(nameof(BertEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _words = nn.Embedding(config.Vocabulary, config.Hidden);
        _positions = nn.Embedding(config.MaxPositions, config.Hidden);
        _types = nn.Embedding(config.TokenTypes, config.Hidden);
        _norm = nn.LayerNorm([config.Hidden], BertConfig.LayerNormEpsilon);
        _dropout = nn.Dropout(dropout);
        _layers = Enumerable.Range(0, config.Layers).Select(_ => new BertLayer(config, dropout)).ToArray();
        // Module names may not contain dots; the Hugging Face names live in Parameters instead.
        register_module("word_embeddings", _words);
        register_module("position_embeddings", _positions);
        register_module("token_type_embeddings", _types);
        register_module("embeddings_norm", _norm);
        register_module("embeddings_dropout", _dropout);
        Parameters["embeddings.word_embeddings.weight"] = _words.weight!;
        Parameters["embeddings.position_embeddings.weight"] = _positions.weight!;
        Parameters["embeddings.token_type_embeddings.weight"] = _types.weight!;
        Parameters["embeddings.LayerNorm.weight"] = _norm.weight!;
        Parameters["embeddings.LayerNorm.bias"] = _norm.bias!;
        for (var i = 0; i < _layers.Length; i++)
        {
            register_module($"layer_{i}", _layers[i]);
            foreach (var (name, parameter) in _layers[i].Parameters)
            {
                Parameters[$"encoder.layer.{i}.{name}"] = parameter;
            }
        }
    }

    /// <summary>Every parameter by its Hugging Face BERT name (<c>encoder.layer.0.attention.self.query.weight</c>).</summary>
    public Dictionary<string, Parameter> Parameters { get; } = new(StringComparer.Ordinal);

    public BertConfig Config { get; }

    /// <summary>Token states [batch, tokens, hidden] of <paramref name="ids"/> (int64 [batch, tokens]); padding has mask 0.</summary>
    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var tokens = ids.shape[1];
        var positions = arange(tokens, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
        var x = _words.forward(ids) + _positions.forward(positions) + _types.forward(zeros_like(ids));
        x = _dropout.forward(_norm.forward(x));
        // As in the exported graph: (1 − mask) × −10000 added to every head's scores.
        var bias = (1.0f - mask.to_type(ScalarType.Float32)).unsqueeze(1).unsqueeze(2) * -10000.0f;
        foreach (var layer in _layers)
        {
            x = layer.forward(x, bias);
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Copies every parameter from the graph (names must match one-to-one).</summary>
    /// <exception cref="InvalidDataException">A parameter the graph lacks, or a shape that differs.</exception>
    public void LoadFrom(BertOnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in Parameters)
        {
            float[] values;
            long[] shape;
            try
            {
                values = graph.Read(name, out shape);
            }
            catch (KeyNotFoundException ex)
            {
                throw new InvalidDataException($"parameter '{name}' is not in the ONNX graph", ex);
            }

            if (!shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidDataException($"'{name}' is [{string.Join(", ", shape)}] in the graph, [{string.Join(", ", parameter.shape)}] here");
            }

            using var source = tensor(values, shape);
            parameter.copy_(source);
        }
    }

    /// <summary>Every parameter as a flat float array (torch layout), by name: what <see cref="BertOnnxGraph.WithParameters"/> takes.</summary>
    public Dictionary<string, float[]> Snapshot()
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, parameter) in Parameters)
        {
            using var cpu = parameter.detach().cpu().contiguous();
            result[name] = cpu.data<float>().ToArray();
        }

        return result;
    }

    /// <summary>Puts values from <see cref="Snapshot"/> back (early stopping keeps the best epoch's weights this way).</summary>
    public void Restore(IReadOnlyDictionary<string, float[]> snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in Parameters)
        {
            using var source = tensor(snapshot[name], parameter.shape);
            parameter.copy_(source);
        }
    }

    private sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear _query;
        private readonly Linear _key;
        private readonly Linear _value;
        private readonly Linear _attentionOut;
        private readonly LayerNorm _attentionNorm;
        private readonly Linear _intermediate;
        private readonly Linear _output;
        private readonly LayerNorm _outputNorm;
        private readonly Dropout _dropout;
        private readonly int _heads;
        private readonly int _headSize;

        public BertLayer(BertConfig config, double dropout)
            : base(nameof(BertLayer))
        {
            _heads = config.Heads;
            _headSize = config.Hidden / config.Heads;
            _query = nn.Linear(config.Hidden, config.Hidden);
            _key = nn.Linear(config.Hidden, config.Hidden);
            _value = nn.Linear(config.Hidden, config.Hidden);
            _attentionOut = nn.Linear(config.Hidden, config.Hidden);
            _attentionNorm = nn.LayerNorm([config.Hidden], BertConfig.LayerNormEpsilon);
            _intermediate = nn.Linear(config.Hidden, config.Intermediate);
            _output = nn.Linear(config.Intermediate, config.Hidden);
            _outputNorm = nn.LayerNorm([config.Hidden], BertConfig.LayerNormEpsilon);
            _dropout = nn.Dropout(dropout);
            Add("attention.self.query", _query);
            Add("attention.self.key", _key);
            Add("attention.self.value", _value);
            Add("attention.output.dense", _attentionOut);
            Add("attention.output.LayerNorm", _attentionNorm);
            Add("intermediate.dense", _intermediate);
            Add("output.dense", _output);
            Add("output.LayerNorm", _outputNorm);
            register_module("dropout", _dropout);
        }

        public Dictionary<string, Parameter> Parameters { get; } = new(StringComparer.Ordinal);

        private void Add(string name, nn.Module module)
        {
            register_module(name.Replace('.', '_'), module);
            foreach (var (parameterName, parameter) in module.named_parameters())
            {
                Parameters[$"{name}.{parameterName}"] = parameter;
            }
        }

        public override Tensor forward(Tensor x, Tensor bias)
        {
            using var scope = NewDisposeScope();
            var batch = x.shape[0];
            var tokens = x.shape[1];
            Tensor Heads(Tensor t) => t.view(batch, tokens, _heads, _headSize).transpose(1, 2);
            var q = Heads(_query.forward(x));
            var k = Heads(_key.forward(x));
            var v = Heads(_value.forward(x));
            var scores = (q.matmul(k.transpose(2, 3)) / MathF.Sqrt(_headSize)) + bias;
            var probabilities = _dropout.forward(scores.softmax(-1));
            var context = probabilities.matmul(v).transpose(1, 2).reshape(batch, tokens, _heads * _headSize);
            var attended = _attentionNorm.forward(_dropout.forward(_attentionOut.forward(context)) + x);
            // Exact (erf) GELU, as BERT and the exported graph use.
            var inner = nn.functional.gelu(_intermediate.forward(attended));
            return _outputNorm.forward(_dropout.forward(_output.forward(inner)) + attended).MoveToOuterDisposeScope();
        }
    }
}
