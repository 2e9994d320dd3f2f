using ThreatScorer.FineTune.Onnx;

namespace ThreatScorer.Tests.FineTune;

/// <summary>The ONNX side of fine-tuning: plain protobuf, no libtorch, so these run on any host.</summary>
public sealed class BertOnnxGraphTests(MiniLmGraphFixture fixture) : IClassFixture<MiniLmGraphFixture>
{
    private static IEnumerable<string> ExpectedBertParameters()
    {
        yield return "embeddings.word_embeddings.weight";
        yield return "embeddings.position_embeddings.weight";
        yield return "embeddings.token_type_embeddings.weight";
        yield return "embeddings.LayerNorm.weight";
        yield return "embeddings.LayerNorm.bias";
        for (var i = 0; i < 6; i++)
        {
            foreach (var module in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm" })
            {
                yield return $"encoder.layer.{i}.{module}.weight";
                yield return $"encoder.layer.{i}.{module}.bias";
            }
        }

        yield return "pooler.dense.weight";
        yield return "pooler.dense.bias";
    }

    [Fact]
    public void LoadMiniLm_MapsAll148Initializers_ToBertParameterNames()
    {
        var graph = fixture.Graph;

        Assert.Equal(148, graph.Mappings.Count);
        Assert.Equal(148, graph.Mappings.Select(m => m.OnnxName).Distinct().Count());
        Assert.Equal(ExpectedBertParameters().Order(StringComparer.Ordinal), graph.ParameterNames.Order(StringComparer.Ordinal));
        Assert.Equal("embeddings.position_ids", Assert.Single(graph.Mappings, m => m.Role == InitializerRole.Buffer).BertName);
        Assert.All(graph.Mappings.Where(m => m.Role == InitializerRole.GraphConstant), m => Assert.Equal([1L], m.OnnxShape));
        Assert.Equal(new BertConfig(Layers: 6, Hidden: 384, Heads: 12, Intermediate: 1536, Vocabulary: 30522, MaxPositions: 512, TokenTypes: 2), graph.Config);
    }

    [Fact]
    public void LoadMiniLm_NamesTheAnonymousMatMulWeights_InTorchLayout()
    {
        var graph = fixture.Graph;
        var matMulWeights = graph.Mappings.Where(m => m.Transposed).ToList();

        Assert.Equal(36, matMulWeights.Count);
        Assert.All(matMulWeights, m => Assert.True(int.TryParse(m.OnnxName, out _), $"{m.OnnxName} was expected to be an anonymous exporter name"));
        var intermediate = Assert.Single(graph.Mappings, m => m.BertName == "encoder.layer.2.intermediate.dense.weight");
        Assert.Equal([384L, 1536L], intermediate.OnnxShape);
        Assert.Equal([1536L, 384L], intermediate.TorchShape);
        var output = graph.Read("encoder.layer.2.output.dense.weight", out var shape);
        Assert.Equal([384L, 1536L], shape);
        Assert.Equal(384 * 1536, output.Length);
        // The pooler is a Gemm with transB: stored as torch stores it.
        Assert.False(Assert.Single(graph.Mappings, m => m.BertName == "pooler.dense.weight").Transposed);
    }

    [Fact]
    public void WithParameters_WritesWeightsBackTransposed_AndLeavesTheRestAsItWas()
    {
        var graph = fixture.Graph;
        var original = graph.Read("encoder.layer.3.attention.self.query.weight", out _);
        // Row r (an output unit) of the torch weight becomes column r of the ONNX [in, out] matrix.
        var changed = Enumerable.Range(0, original.Length).Select(i => i / 384 + (i % 384 / 1000f)).ToArray();
        var bias = Enumerable.Repeat(0.5f, 384).ToArray();

        var rewritten = BertOnnxGraph.Parse(graph.WithParameters(new Dictionary<string, float[]>
        {
            ["encoder.layer.3.attention.self.query.weight"] = changed,
            ["encoder.layer.3.attention.self.query.bias"] = bias,
        }));

        Assert.Equal(changed, rewritten.Read("encoder.layer.3.attention.self.query.weight", out _));
        Assert.Equal(bias, rewritten.Read("encoder.layer.3.attention.self.query.bias", out _));
        Assert.Equal(graph.Read("encoder.layer.3.attention.self.key.weight", out _), rewritten.Read("encoder.layer.3.attention.self.key.weight", out _));
        Assert.Equal(graph.Mappings.Select(m => (m.OnnxName, m.BertName)), rewritten.Mappings.Select(m => (m.OnnxName, m.BertName)));
        // Unchanged by the edit: the shipped graph still reads its own weights.
        Assert.Equal(original, graph.Read("encoder.layer.3.attention.self.query.weight", out _));
    }

    [Fact]
    public void WithParameters_RejectsAnUnknownNameOrAWrongLength_NamingIt()
    {
        var graph = fixture.Graph;

        var unknown = Assert.Throws<ArgumentException>(() => graph.WithParameters(new Dictionary<string, float[]> { ["encoder.layer.9.output.dense.bias"] = new float[384] }));
        Assert.Contains("encoder.layer.9.output.dense.bias", unknown.Message, StringComparison.Ordinal);
        var wrong = Assert.Throws<ArgumentException>(() => graph.WithParameters(new Dictionary<string, float[]> { ["pooler.dense.bias"] = new float[383] }));
        Assert.Contains("pooler.dense.bias", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("383", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => graph.WithParameters(new Dictionary<string, float[]> { ["embeddings.position_ids"] = new float[512] }));
    }

    [Fact]
    public void Parse_RejectsBytesThatAreNotAnOnnxModel()
    {
        var ex = Assert.Throws<InvalidDataException>(() => BertOnnxGraph.Parse([0xFF, 0xFF, 0xFF, 0x07, 0x01]));

        Assert.Contains("ONNX", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>The shipped graph, parsed once (~90 MB).</summary>
public sealed class MiniLmGraphFixture
{
    public BertOnnxGraph Graph { get; } = BertOnnxGraph.LoadMiniLm();
}
