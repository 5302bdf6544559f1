namespace Kiosk.Drivers.IdCard;

/// <summary>Requests of the SAM module (GA 467): the two body bytes <c>CMD PARA</c>, big-endian.</summary>
public enum SamCommand : ushort
{
    /// <summary><c>20 01</c>: find a card. <see cref="SamStatus.CardFound"/> or <see cref="SamStatus.NoCard"/>.</summary>
    FindCard = 0x2001,

    /// <summary><c>20 02</c>: select the card found. <see cref="SamStatus.Success"/> or <see cref="SamStatus.SelectFailed"/>.</summary>
    SelectCard = 0x2002,

    /// <summary><c>30 01</c>: read the text (256 bytes) and the photo (1024 bytes). <see cref="SamStatus.Success"/> or <see cref="SamStatus.ReadFailed"/>.</summary>
    ReadTextAndPhoto = 0x3001,

    /// <summary><c>12 FF</c>: read the module's id (a health check). <see cref="SamStatus.Success"/>.</summary>
    ReadModuleId = 0x12FF,
}
