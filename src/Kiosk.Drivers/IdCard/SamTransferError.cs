namespace Kiosk.Drivers.IdCard;

/// <summary>Why bytes from the module are not a response. A transfer error is never data.</summary>
public enum SamTransferError
{
    /// <summary>A whole, well-formed frame.</summary>
    None = 0,

    /// <summary>The frame does not start with <c>AA AA AA 96 69</c> (on the line: bytes arrived but never a preamble).</summary>
    BadPreamble,

    /// <summary><c>LEN</c> is shorter than the smallest frame, longer than <see cref="SamFrameCodec.MaxLength"/>, or disagrees with the bytes given.</summary>
    BadLength,

    /// <summary><c>CHK</c> is not the XOR of the length and body bytes.</summary>
    BadChecksum,

    /// <summary>The frame ends before <c>LEN</c> says (on the line: a frame started and was cut short).</summary>
    Truncated,

    /// <summary>Not one byte arrived within the response timeout (the module is silent).</summary>
    NoResponse,

    /// <summary>A well-formed <c>30 01</c> reply whose data does not hold a 256-byte text and the photo its lengths announce.</summary>
    BadReadReply,
}
