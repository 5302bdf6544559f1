namespace Kiosk.Core.Checkpoint;

/// <summary>
/// The neutral message of a REFER prompt, the key of its row in <see cref="PromptTable"/> (<c>kiosk render --refer</c>
/// takes these names in kebab case). None of them reveals a color.
/// </summary>
public enum ReferMessage
{
    /// <summary>Generic: please see staff.</summary>
    SeeStaff,

    /// <summary>The QR is not a health code.</summary>
    CodeNotRecognized,

    /// <summary>The code could not be verified.</summary>
    CodeNotVerified,

    /// <summary>The code has expired: refresh it.</summary>
    CodeExpired,

    /// <summary>The code is not valid yet: check the phone's clock.</summary>
    CodeNotYetValid,

    /// <summary>The temperature could not be taken.</summary>
    TemperatureNotTaken,

    /// <summary>A further check is needed (used for a color outcome and for a high temperature alike).</summary>
    FurtherCheck,

    /// <summary>The ID card does not match the code (<c>identity_mismatch</c>).</summary>
    CardMismatch,

    /// <summary>The holder's ID card could not confirm the code (<c>identity_unconfirmed</c>).</summary>
    IdentityNotConfirmed,

    /// <summary>The ID card could not be read (<c>document_invalid</c>).</summary>
    CardUnreadable,

    /// <summary>The ID card is out of date (<c>document_expired</c>).</summary>
    CardOutOfDate,

    /// <summary>No record was found for the card: please see staff (<c>no_record</c>).</summary>
    NoRecord,
}
