using TorchSharp;
using TorchSharp.Modules;
using ThreatScorer.Encoders;
using ThreatScorer.FineTune.Onnx;
using static TorchSharp.torch;

namespace ThreatScorer.FineTune.Bert;

/// <summary>
/// Target-dependent stance over one encoder pass per sentence: the token states are pooled as [sentence mean ;
/// target mean] (mean over every token from [CLS] to [SEP], and over the target's own word pieces) and a linear
/// layer gives 3 logits (negative, neutral, positive). Serving repeats the pooling over ONNX Runtime's
/// <c>last_hidden_state</c> (<see cref="StanceHead"/>), so every target of a sentence shares its encoder pass.
/// </summary>
public sealed class StanceNetwork : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    public const int Classes = 3;

    private readonly Dropout _dropout;

    public StanceNetwork(BertConfig config, double dropout = 0.1)
        : base(nameof(StanceNetwork))
    {
        Encoder = new BertEncoder(config, dropout);
        Head = nn.Linear(StanceHead.Pools * config.Hidden, Classes);
        _dropout = nn.Dropout(dropout);
        register_module("encoder", Encoder);
        register_module("head", Head);
        register_module("dropout", _dropout);
    }

    public BertEncoder Encoder { get; }

    public Linear Head { get; }

    /// <summary>Logits [batch, 3] for int64 ids and mask [batch, tokens] and a float target mask [batch, tokens].</summary>
    public override Tensor forward(Tensor ids, Tensor mask, Tensor target)
    {
        using var scope = NewDisposeScope();
        var states = Encoder.forward(ids, mask);
        var tokens = mask.to_type(ScalarType.Float32).unsqueeze(-1);
        var targetWeights = target.unsqueeze(-1);
        var sentenceMean = (states * tokens).sum(1) / tokens.sum(1);
        var targetMean = (states * targetWeights).sum(1) / targetWeights.sum(1);
        var pooled = cat([sentenceMean, targetMean], 1);
        return Head.forward(_dropout.forward(pooled)).MoveToOuterDisposeScope();
    }

    /// <summary>The head's weights as exported: W [3, 2 × hidden] row-major and b [3].</summary>
    public (float[] Weight, float[] Bias) HeadWeights()
    {
        using var w = Head.weight!.detach().cpu().contiguous();
        using var b = Head.bias!.detach().cpu().contiguous();
        return (w.data<float>().ToArray(), b.data<float>().ToArray());
    }

    public void RestoreHead(float[] weight, float[] bias)
    {
        using var noGrad = no_grad();
        using var w = tensor(weight, Head.weight!.shape);
        using var b = tensor(bias, Head.bias!.shape);
        Head.weight!.copy_(w);
        Head.bias!.copy_(b);
    }
}
