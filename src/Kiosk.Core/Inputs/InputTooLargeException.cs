namespace Kiosk.Core.Inputs;

/// <summary>An input is larger than its limit; raised while reading, before the excess is held in memory.</summary>
public sealed class InputTooLargeException(string message) : IOException(message)
{
    internal static InputTooLargeException For(string name, long limit) => new($"{name} is larger than {BoundedFile.Describe(limit)}");
}
