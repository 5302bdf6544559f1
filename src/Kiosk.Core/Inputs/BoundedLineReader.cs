using System.Text;

namespace Kiosk.Core.Inputs;

/// <summary>
/// <see cref="TextReader.ReadLine"/> with a longest line: a line longer than the limit (a file without newlines, such as
/// <c>/dev/zero</c>) raises <see cref="InputTooLargeException"/> after reading at most the limit, not the whole line.
/// </summary>
public sealed class BoundedLineReader(TextReader reader, int maxLineChars, string name) : IDisposable
{
    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _line = new();
    private int _position;
    private int _length;

    /// <summary>Lines read so far.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line without its end (<c>\n</c> or <c>\r\n</c>), or null at the end of the input.</summary>
    /// <exception cref="InputTooLargeException">The line is longer than the limit.</exception>
    public string? ReadLine()
    {
        _line.Clear();
        var any = false;
        while (true)
        {
            if (_position == _length)
            {
                _length = reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0)
                {
                    if (!any)
                    {
                        return null;
                    }

                    if (_line.Length > maxLineChars)
                    {
                        throw TooLong();
                    }

                    LineNumber++;
                    return _line.ToString();
                }
            }

            any = true;
            var span = _buffer.AsSpan(_position, _length - _position);
            var newline = span.IndexOf('\n');
            var take = newline < 0 ? span.Length : newline;
            if (_line.Length + take > maxLineChars + 1)
            {
                throw TooLong();
            }

            _line.Append(span[..take]);
            _position += take;
            if (newline >= 0)
            {
                _position++;
                if (_line.Length > 0 && _line[^1] == '\r')
                {
                    _line.Length--;
                }

                if (_line.Length > maxLineChars)
                {
                    throw TooLong();
                }

                LineNumber++;
                return _line.ToString();
            }
        }
    }

    private InputTooLargeException TooLong() => new($"{name}: line {LineNumber + 1} is longer than {maxLineChars} characters");

    public void Dispose() => reader.Dispose();
}
