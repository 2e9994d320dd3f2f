using System.Text;

namespace ThreatScorer.Tests.Articles;

/// <summary>A temporary inbox directory, deleted with everything in it when the test ends.</summary>
internal sealed class TempInbox : IDisposable
{
    public TempInbox()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("threatscorer-inbox-").FullName;
    }

    public string Directory { get; }

    public string Write(string name, string content) => Write(name, new UTF8Encoding(false).GetBytes(content));

    public string Write(string name, byte[] content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
