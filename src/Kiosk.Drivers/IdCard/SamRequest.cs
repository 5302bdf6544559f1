
namespace Kiosk.Drivers.IdCard;

/// <summary>A decoded request: <c>CMD PARA [data]</c>. A view on the frame's bytes; it cannot outlive them.</summary>
public readonly ref struct SamRequest
{
    public SamRequest(SamCommand command, ReadOnlySpan<byte> data)
    {
        Command = command;
        Data = data;
    }

    /// <summary><c>CMD PARA</c>.</summary>
    public SamCommand Command { get; }

    /// <summary>The data after <c>PARA</c>.</summary>
    public ReadOnlySpan<byte> Data { get; }

    public override string ToString() => $"SamRequest({Command}, {Data.Length} data bytes)";
}
