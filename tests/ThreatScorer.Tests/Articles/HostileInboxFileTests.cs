using System.Text;
using ThreatScorer.Core.Articles;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Articles;

/// <summary>
/// Inbox files written by someone hostile (issue 13): links out of the inbox, NUL bytes placed to cost the good
/// lines around them, sparse files, duplicate JSON keys. Each test names the file (and line) it expects blamed.
/// </summary>
public sealed class HostileInboxFileTests : IDisposable
{
    private const string Article = "Rebels seized the town of Kidal on Monday. Residents fled south as the army regrouped.";
    private readonly TempInbox _inbox = new();
    private readonly TempDirectory _outside = new();
    private readonly ArticleFileReader _reader = new();

    public void Dispose()
    {
        _inbox.Dispose();
        _outside.Dispose();
    }

    [Fact]
    public void Read_WhenLinkToAFileOutsideTheInbox_RefusesItWithoutReadingTheTarget()
    {
        var secret = _outside.Write("shadow", "root:$6$secret-hash:19000:0:99999:7:::\nThe secret text of another file.\n");
        var link = Path.Combine(_inbox.Directory, "s.txt");
        File.CreateSymbolicLink(link, secret);

        var result = Assert.Single(_reader.Read(link, ArticleLimits.Default));

        Assert.Null(result.Article);
        Assert.Equal(link, result.SourcePath);
        Assert.StartsWith($"symbolic link to {secret}: not followed", result.RejectionReason, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-hash", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenLinkToAnotherFileInsideTheInbox_RefusesItToo()
    {
        // One rule for every link (no following "safe" ones): nothing to get wrong about where a chain ends.
        var real = _inbox.Write("real.txt", Article);
        var link = Path.Combine(_inbox.Directory, "alias.txt");
        File.CreateSymbolicLink(link, real);

        Assert.StartsWith("symbolic link to", Assert.Single(_reader.Read(link, ArticleLimits.Default)).RejectionReason, StringComparison.Ordinal);
        Assert.False(Assert.Single(_reader.Read(real, ArticleLimits.Default)).IsRejected);
    }

    [Fact]
    public void Open_WhenARegularFileWasSwappedForALinkAfterTheLook_RefusesItFromTheOpenedHandle()
    {
        // The look (lstat) saw a regular file; by the open it is a link out of the inbox. The opened handle's real
        // path (/proc/self/fd) gives it away, whatever happened in between.
        var secret = _outside.Write("shadow", "root:$6$secret-hash:19000:0:99999:7:::");
        var path = Path.Combine(_inbox.Directory, "swapped.txt");
        File.CreateSymbolicLink(path, secret);

        var (stream, refused) = ArticleFileReader.OpenRegularFile(path);

        Assert.Null(stream);
        Assert.Equal($"replaced by a symbolic link to {secret} while being opened: not read (inbox entries must be regular files, not links)", refused!.RejectionReason);
        var regular = _inbox.Write("regular.txt", Article);
        var opened = ArticleFileReader.OpenRegularFile(regular);
        using (opened.Stream)
        {
            Assert.NotNull(opened.Stream);
            Assert.Null(opened.Refused);
        }
    }

    [Fact]
    public void Read_WhenTheInboxFolderItselfSitsBehindALink_ReadsItsRegularFiles()
    {
        // The operator may mount the inbox behind a link (data/inbox -> /mnt/share): only entries are refused.
        var linkedInbox = Path.Combine(_outside.Path, "inbox-link");
        Directory.CreateSymbolicLink(linkedInbox, _inbox.Directory);
        _inbox.Write("a.txt", Article);

        var result = Assert.Single(_reader.Read(Path.Combine(linkedInbox, "a.txt"), ArticleLimits.Default));

        Assert.False(result.IsRejected, result.RejectionReason);
    }

    [Theory]
    [InlineData("first line", "\0\n{good1}\n{good2}\n", 1)]
    [InlineData("middle line", "{good1}\n\0\n{good2}\n", 2)]
    [InlineData("last line, no newline", "{good1}\n{good2}\n\0", 3)]
    [InlineData("inside a JSON string", "{good1}\n{\"text\": \"Troops\0 fired.\"}\n{good2}\n", 2)]
    public void Read_WhenJsonlHasANulByte_RejectsOnlyItsLineNamingItAndKeepsTheGoodLines(string placement, string template, int badLine)
    {
        var content = template.Replace("{good1}", Json(Article), StringComparison.Ordinal)
            .Replace("{good2}", Json("Police arrested three suspects after the bombing. The city is calm."), StringComparison.Ordinal);
        var path = _inbox.Write("x.jsonl", content);

        var results = _reader.Read(path, ArticleLimits.Default);

        Assert.True(results.Count == 3, placement);
        var bad = Assert.Single(results, r => r.IsRejected);
        Assert.Equal(badLine, bad.SourceLine);
        Assert.Equal($"{path}:{badLine}", bad.Location);
        Assert.StartsWith("binary content: NUL byte", bad.RejectionReason, StringComparison.Ordinal);
        Assert.Equal(2, results.Count(r => r.Article is not null));
    }

    [Fact]
    public void Read_WhenJsonlIsRandomBinary_RejectsTheFileOnceInsteadOfLineByLine()
    {
        var bytes = new byte[64 * 1024];
        new Random(3).NextBytes(bytes);

        var result = Assert.Single(_reader.Read(_inbox.Write("random.jsonl", bytes), ArticleLimits.Default));

        Assert.Null(result.SourceLine);
        Assert.StartsWith("binary content:", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenASparseFileIsFarOverTheLimit_RefusesItFromItsSize()
    {
        var path = Path.Combine(_inbox.Directory, "sparse.txt");
        using (var file = File.Create(path))
        {
            file.SetLength(4L << 30);
        }

        var result = Assert.Single(_reader.Read(path, ArticleLimits.Default));

        Assert.Equal("file is 4,294,967,296 bytes, over the limit of 1,000,000 (MaxArticleBytes)", result.RejectionReason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_WhenAnInputIsOverTheLimit_ReadsAtMostTheLimitPlusOneByte(bool seekable)
    {
        var limits = new ArticleLimits { MaxArticleBytes = 100_000 };
        var stream = new ZeroStream(4L << 30, seekable);

        var result = Assert.Single(_reader.Read(stream, "big.txt", ".txt", limits));

        Assert.Contains("over the limit of 100,000", result.RejectionReason, StringComparison.Ordinal);
        Assert.True(stream.BytesRead <= limits.MaxArticleBytes + 1, $"read {stream.BytesRead:N0} bytes");
    }

    [Fact]
    public void ReadEach_OnALargeJsonlFile_GivesTheFirstLineBeforeReadingTheRest()
    {
        // The ingest stores each line before asking for the next: memory stays one line, not one file.
        var line = Encoding.UTF8.GetBytes(Json(Article) + "\n");
        var path = Path.Combine(_inbox.Directory, "big.jsonl");
        using (var file = File.Create(path))
        {
            for (var i = 0; i < 100_000; i++)
            {
                file.Write(line);
            }
        }

        using var results = _reader.ReadEach(path, ArticleLimits.Default).GetEnumerator();
        Assert.True(results.MoveNext());
        Assert.Equal(1, results.Current.SourceLine);
        var count = 1;
        while (results.MoveNext())
        {
            count++;
        }

        Assert.Equal(100_000, count);
    }

    [Fact]
    public void ReadEach_StopsReadingWhenTheCallerStops()
    {
        var lines = string.Concat(Enumerable.Repeat(Json(Article) + "\n", 50_000));
        var stream = new CountingStream(Encoding.UTF8.GetBytes(lines));

        var first = JsonLinesReader.Read(stream, "big.jsonl", ArticleLimits.DefaultMaxArticleBytes).First();

        Assert.Equal(1, first.SourceLine);
        Assert.True(stream.BytesRead < stream.Length / 10, $"read {stream.BytesRead:N0} of {stream.Length:N0} bytes for one line");
    }

    [Theory]
    [InlineData("a.json", "{\"text\": \"Troops fired at dawn.\", \"title\": \"A\", \"text\": \"" + "Markets rose." + "\"}", null, "text")]
    [InlineData("a.jsonl", "{\"text\": \"Talks resumed in Geneva.\"}\n{\"url\": \"https://a.example/1\", \"text\": \"x\", \"url\": \"https://b.example/2\"}\n", 2, "url")]
    public void Read_WhenAJsonRecordRepeatsAKey_RejectsItNamingTheKeyAndLine(string name, string content, int? line, string key)
    {
        var path = _inbox.Write(name, content);

        var rejected = Assert.Single(_reader.Read(path, ArticleLimits.Default), r => r.IsRejected);

        Assert.Equal($"duplicate key \"{key}\"", rejected.RejectionReason);
        Assert.Equal(line, rejected.SourceLine);
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(new { text });

    /// <summary>A stream of zeros of a given length that counts what is read from it.</summary>
    private sealed class ZeroStream(long length, bool seekable) : Stream
    {
        private long _position;

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => seekable;

        public override bool CanWrite => false;

        public override long Length => seekable ? length : throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class CountingStream(byte[] data) : MemoryStream(data)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }
    }
}
