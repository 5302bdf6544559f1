namespace Kiosk.Service.Cli;

/// <summary>Why a broker did not take <c>kiosk enroll</c>'s connection.</summary>
internal enum EnrollBrokerFailureKind
{
    /// <summary>Nothing listens there, the name does not resolve, or TLS failed.</summary>
    Unreachable,

    /// <summary>No answer within the timeout.</summary>
    NoAnswer,

    /// <summary>The broker answered and refused the login (user, password, client certificate).</summary>
    Refused,

    /// <summary>The broker speaks another MQTT version (a NATS listener refuses version 5: <c>--protocol 3.1.1</c>).</summary>
    Protocol,
}
