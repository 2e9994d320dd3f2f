using ThreatScorer.Core.Models;

namespace ThreatScorer.Tests.Models;

public sealed class ModelLoadingTests(TrainedTinyModels tiny) : IClassFixture<TrainedTinyModels>
{
    [Fact]
    public void Load_WhenDirectoryIsMissing_ThrowsNamingThePath()
    {
        var missing = Path.Combine(tiny.Root, "no-such-model");
        var ex = Assert.Throws<ModelLoadException>(() => StanceModel.Load(missing));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenModelZipIsCorrupt_ThrowsNamingTheFileAndReason()
    {
        var dir = CopyOf(tiny.Stance.ModelDirectory);
        var zip = Path.Combine(dir, "model.zip");
        File.WriteAllBytes(zip, [1, 2, 3, 4, 5, 6, 7, 8]);

        var ex = Assert.Throws<ModelLoadException>(() => StanceModel.Load(dir));
        Assert.Contains(zip, ex.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenModelZipIsMissing_ThrowsNamingTheFile()
    {
        var dir = CopyOf(tiny.Stance.ModelDirectory);
        File.Delete(Path.Combine(dir, "model.zip"));

        var ex = Assert.Throws<ModelLoadException>(() => SentimentModel.Load(dir));
        Assert.Contains(Path.Combine(dir, "model.zip"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenFolderHoldsAnotherTask_ThrowsNamingBothTasks()
    {
        var ex = Assert.Throws<ModelLoadException>(() => SentimentModel.Load(tiny.Stance.ModelDirectory));
        Assert.Contains("'stance' model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveActiveDirectory_WhenActiveFileIsMissing_ThrowsNamingIt()
    {
        var root = Path.Combine(tiny.Root, "empty-root-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "stance"));

        var ex = Assert.Throws<ModelLoadException>(() => ModelRegistry.ResolveActiveDirectory(root, "stance"));
        Assert.Contains(Path.Combine(root, "stance", "ACTIVE"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveActiveDirectory_WhenActiveNamesMissingVersion_ThrowsNamingTheFolder()
    {
        var root = Path.Combine(tiny.Root, "bad-active-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "stance"));
        File.WriteAllText(Path.Combine(root, "stance", "ACTIVE"), "stance-20990101-deadbeef\n");

        var ex = Assert.Throws<ModelLoadException>(() => ModelRegistry.ResolveActiveDirectory(root, "stance"));
        Assert.Contains("stance-20990101-deadbeef", ex.Message, StringComparison.Ordinal);
    }

    private string CopyOf(string directory)
    {
        var copy = Path.Combine(tiny.Root, "copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
