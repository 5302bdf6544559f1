
namespace Kiosk.Drivers.IdCard;

/// <summary>A decoded response: <c>SW1 SW2 SW3 [data]</c>. A view on the frame's bytes; it cannot outlive them.</summary>
public readonly ref struct SamResponse
{
    public SamResponse(byte sw1, byte sw2, SamStatus status, ReadOnlySpan<byte> data)
    {
        Sw1 = sw1;
        Sw2 = sw2;
        Status = status;
        Data = data;
    }

    /// <summary><c>SW1</c>: usually 0; the card's own status word with some statuses.</summary>
    public byte Sw1 { get; }

    /// <summary><c>SW2</c>: usually 0; the card's own status word with some statuses.</summary>
    public byte Sw2 { get; }

    /// <summary><c>SW3</c>: the status the reply is judged by.</summary>
    public SamStatus Status { get; }

    /// <summary>The data after <c>SW3</c>.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Status and data length only (the data may be a person's card).</summary>
    public override string ToString() => $"SamResponse({Status}, {Data.Length} data bytes)";
}
