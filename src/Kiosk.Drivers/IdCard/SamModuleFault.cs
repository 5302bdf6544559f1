namespace Kiosk.Drivers.IdCard;

/// <summary>Faults <see cref="SamModuleEmulator"/> can inject, persistently (<see cref="SamModuleEmulator.Fault"/>) or once (<see cref="SamModuleEmulator.InjectOnce"/>).</summary>
public enum SamModuleFault
{
    /// <summary>No fault.</summary>
    None = 0,

    /// <summary>The response's <c>CHK</c> has its low bit flipped.</summary>
    CorruptChecksum,

    /// <summary>The response stops part way (after half its bytes, at most 300); the rest never comes.</summary>
    TruncatedFrame,

    /// <summary>The module does not answer the request at all.</summary>
    Silence,

    /// <summary>A read (<c>30 01</c>) answers <c>41</c> and the card is taken off the reader half way through it.</summary>
    CardRemovedMidRead,

    /// <summary>Every request answers <c>60</c> (the module's self-test failed).</summary>
    SelfTestFailed,

    /// <summary>Every request answers <c>66</c> (the module is not authorised).</summary>
    NotAuthorised,

    /// <summary>The card is found (<c>9F</c>) and selected, but a read (<c>30 01</c>) answers <c>41</c>.</summary>
    UnreadableCard,
}
