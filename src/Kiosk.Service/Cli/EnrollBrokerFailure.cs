using Kiosk.Mqtt;

namespace Kiosk.Service.Cli;

/// <summary>One broker of a link's list that <c>kiosk enroll</c> could not connect to, and what it said.</summary>
/// <param name="Broker">The broker.</param>
/// <param name="Kind">What went wrong, for what to do about it.</param>
/// <param name="What">The reason in words (one line).</param>
internal sealed record EnrollBrokerFailure(BrokerEndpoint Broker, EnrollBrokerFailureKind Kind, string What)
{
    /// <summary><c>host:port: reason</c>.</summary>
    public override string ToString() => $"{Broker}: {What}";
}
