using System.Text;
using Kiosk.Core.Inputs;

namespace Kiosk.Service.Tests.Inputs;

/// <summary>The one bounded reader: limits hold while reading, not after.</summary>
public sealed class BoundedReadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bounded-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AFileAtTheLimitIsReadOneByteMoreIsNot()
    {
        var path = Path.Combine(_dir, "f");
        File.WriteAllBytes(path, new byte[1000]);
        Assert.Equal(1000, BoundedFile.ReadAllBytes(path, 1000).Length);
        Assert.Equal($"{path} is larger than 999 bytes", Assert.Throws<InputTooLargeException>(() => BoundedFile.ReadAllBytes(path, 999)).Message);
    }

    [Fact]
    public void AnEndlessDeviceStopsAtTheLimit()
    {
        Assert.Equal("/dev/zero is larger than 1 MiB", Assert.Throws<InputTooLargeException>(() => BoundedFile.ReadAllBytes("/dev/zero", 1 << 20)).Message);
        Assert.Empty(BoundedFile.ReadAllBytes("/dev/null", 10));
    }

    [Fact]
    public void ARegularFileIsReadAndADeviceOrALinkToOneIsRefusedWithoutReadingIt()
    {
        var file = Path.Combine(_dir, "ca.pem");
        File.WriteAllText(file, "pem");
        var link = Path.Combine(_dir, "ca-link.pem");
        File.CreateSymbolicLink(link, "/dev/zero");
        var empty = Path.Combine(_dir, "empty");
        File.WriteAllBytes(empty, []);

        Assert.Equal("pem"u8.ToArray(), BoundedFile.ReadRegularFile(file, 1 << 20));
        Assert.Empty(BoundedFile.ReadRegularFile(empty, 1 << 20));
        Assert.Equal("/dev/zero is not a regular file (a device, pipe or socket)", Assert.Throws<InvalidDataException>(() => BoundedFile.ReadRegularFile("/dev/zero", 1 << 20)).Message);
        Assert.Equal("/dev/urandom is not a regular file (a device, pipe or socket)", Assert.Throws<InvalidDataException>(() => BoundedFile.ReadRegularFile("/dev/urandom", 1 << 20)).Message);
        Assert.Equal($"{link} is not a regular file (a device, pipe or socket)", Assert.Throws<InvalidDataException>(() => BoundedFile.ReadRegularFile(link, 1 << 20)).Message);
        Assert.Throws<InputTooLargeException>(() => BoundedFile.ReadRegularFile(file, 2));
    }

    [Fact]
    public async Task ANamedPipeWithNoWriterIsRefusedAtOnceNotWaitedOn()
    {
        var fifo = Path.Combine(_dir, "ca.fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // A plain open of a pipe with no writer blocks for ever; a hang here fails the run rather than passing it.
        var read = Task.Run(() => BoundedFile.ReadRegularFile(fifo, 1 << 20));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => read.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal($"{fifo} is not a regular file (a device, pipe or socket)", error.Message);
    }

    [Fact]
    public void AMissingFileOrADirectoryIsReportedAsBefore()
    {
        Assert.Throws<FileNotFoundException>(() => BoundedFile.ReadRegularFile(Path.Combine(_dir, "missing.pem"), 1 << 20));
        Assert.Throws<UnauthorizedAccessException>(() => BoundedFile.ReadRegularFile(_dir, 1 << 20));
    }

    [Fact]
    public void AStreamThatCannotSeekIsCountedAsItIsRead()
    {
        using var stream = new NonSeekable(new MemoryStream(new byte[200_000]));
        Assert.IsAssignableFrom<IOException>(Assert.Throws<InputTooLargeException>(() => BoundedFile.ReadAllBytes(stream, 150_000, "pipe")));
    }

    [Fact]
    public void TextMustBeUtf8ABomIsSkipped()
    {
        var path = Path.Combine(_dir, "t");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "{}"u8]);
        Assert.Equal("{}", BoundedFile.ReadAllText(path, 100));
        File.WriteAllBytes(path, [(byte)'{', 0xFF, (byte)'}']);
        Assert.Contains("is not UTF-8 text (bad byte at offset 1)", Assert.Throws<InvalidDataException>(() => BoundedFile.ReadAllText(path, 100)).Message);
    }

    [Fact]
    public void LinesAreSplitLikeReadLine()
    {
        using var reader = new BoundedLineReader(new StringReader("a\r\n\nlast"), 10, "input");
        Assert.Equal(["a", "", "last"], ReadAll(reader));
        Assert.Equal(3, reader.LineNumber);
        using var empty = new BoundedLineReader(new StringReader("one\n"), 10, "input");
        Assert.Equal(["one"], ReadAll(empty));
    }

    [Fact]
    public void ALineLongerThanTheLimitStopsTheReader()
    {
        using var reader = new BoundedLineReader(new StringReader("12345\n123456\n"), 5, "input");
        Assert.Equal("12345", reader.ReadLine());
        Assert.Equal("input: line 2 is longer than 5 characters", Assert.Throws<InputTooLargeException>(reader.ReadLine).Message);

        using var endless = new BoundedLineReader(new StreamReader("/dev/zero", Encoding.UTF8), 1 << 16, "zeros");
        Assert.Throws<InputTooLargeException>(endless.ReadLine);
    }

    private static List<string> ReadAll(BoundedLineReader reader)
    {
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
