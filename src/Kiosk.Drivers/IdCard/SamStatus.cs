namespace Kiosk.Drivers.IdCard;

/// <summary>
/// The status byte <c>SW3</c> of a SAM module response (GA 467). A reply is judged by <c>SW3</c> alone: with some
/// statuses (<c>31</c>, <c>41</c>, <c>47</c>, <c>81</c>) <c>SW1 SW2</c> carry the card's own status words.
/// </summary>
public enum SamStatus : byte
{
    /// <summary><c>10</c>: the module received a request with a wrong checksum.</summary>
    RequestChecksumError = 0x10,

    /// <summary><c>11</c>: the module received a request with a wrong length.</summary>
    RequestLengthError = 0x11,

    /// <summary><c>21</c>: unknown command.</summary>
    UnknownCommand = 0x21,

    /// <summary><c>24</c>: unspecified error.</summary>
    UnspecifiedError = 0x24,

    /// <summary><c>31</c>: card authentication failed (the card did not authenticate the module).</summary>
    CardAuthenticationFailed = 0x31,

    /// <summary><c>32</c>: card authentication failed (the module did not authenticate the card).</summary>
    ModuleAuthenticationFailed = 0x32,

    /// <summary><c>33</c>: card authentication failed (information verification).</summary>
    InformationVerificationFailed = 0x33,

    /// <summary><c>40</c>: card operation failed (a card of an unknown type).</summary>
    CardOperationFailed = 0x40,

    /// <summary><c>41</c>: reading the card failed (the card moved away).</summary>
    ReadFailed = 0x41,

    /// <summary><c>47</c>: card operation failed (the card's challenge).</summary>
    CardChallengeFailed = 0x47,

    /// <summary><c>60</c>: the module's self-test failed.</summary>
    SelfTestFailed = 0x60,

    /// <summary><c>66</c>: the module is not authorised.</summary>
    NotAuthorised = 0x66,

    /// <summary><c>80</c>: no card found.</summary>
    NoCard = 0x80,

    /// <summary><c>81</c>: selecting the card failed.</summary>
    SelectFailed = 0x81,

    /// <summary><c>90</c>: success.</summary>
    Success = 0x90,

    /// <summary><c>91</c>: no content.</summary>
    NoContent = 0x91,

    /// <summary><c>9F</c>: a card was found.</summary>
    CardFound = 0x9F,
}
