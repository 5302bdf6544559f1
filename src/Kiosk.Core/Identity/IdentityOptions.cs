using System.ComponentModel.DataAnnotations;

namespace Kiosk.Core.Identity;

/// <summary>Section <c>Identity</c>: the ID card reader and the site's identity mode.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary><c>none</c> or <c>document</c>; changeable at run time.</summary>
    public IdentityMode Mode { get; set; } = IdentityMode.None;

    /// <summary>How long a code waits for its holder's valid card in <c>document</c> mode; changeable at run time.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CardTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A found card must be read whole within this time, else it is not readable.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Serial device of the reader (<c>/dev/serial0</c>, <c>/dev/ttyUSB0</c>); empty = no reader.</summary>
    public string? Port { get; set; }

    /// <summary>Serial speed, 8N1.</summary>
    [Range(9600, 921600)]
    public int BaudRate { get; set; } = 115200;

    /// <summary>Interval between polls (find card) while no card is on the reader.</summary>
    [Range(typeof(TimeSpan), "00:00:00.05", "00:00:05")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>No answer to a request within this time is a transfer error.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:00:10")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive failed polls (transfer errors, module faults) before <c>card_reader_fault</c> is raised.</summary>
    [Range(1, 100)]
    public int FaultAfter { get; set; } = 3;
}
