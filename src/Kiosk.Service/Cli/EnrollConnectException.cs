namespace Kiosk.Service.Cli;

/// <summary>Every broker of a link's list failed <c>kiosk enroll</c>'s connection (<see cref="EnrollConnection"/>).</summary>
internal sealed class EnrollConnectException : Exception
{
    /// <summary>Creates the exception from what each broker said, in the order they were tried.</summary>
    public EnrollConnectException(IReadOnlyList<EnrollBrokerFailure> failures, bool mqtt311)
        : base(Describe(failures))
    {
        Failures = failures;
        IsMqtt311 = mqtt311;
    }

    /// <summary>What each broker said, in the order they were tried.</summary>
    public IReadOnlyList<EnrollBrokerFailure> Failures { get; }

    /// <summary>The protocol tried was 3.1.1.</summary>
    public bool IsMqtt311 { get; }

    /// <summary>True when every broker failed in the same way (<paramref name="kind"/>).</summary>
    public bool All(EnrollBrokerFailureKind kind) => Failures.Count > 0 && Failures.All(f => f.Kind == kind);

    /// <summary>True when one broker at least failed in that way.</summary>
    public bool Any(EnrollBrokerFailureKind kind) => Failures.Any(f => f.Kind == kind);

    /// <summary>
    /// What to do, from how they failed: a refused login first (the same login serves every node), then a protocol
    /// the brokers do not speak, then the network.
    /// </summary>
    public string Fix(string connectivity) =>
        Any(EnrollBrokerFailureKind.Refused) ? "check --username/--password-file or the client certificate, and the broker's password file"
        : Any(EnrollBrokerFailureKind.Protocol) ? (IsMqtt311 ? "the broker does not speak MQTT 3.1.1: --protocol 5" : "the broker does not speak MQTT 5 (a NATS cluster speaks 3.1.1): --protocol 3.1.1")
        : connectivity;

    private static string Describe(IReadOnlyList<EnrollBrokerFailure> failures) =>
        failures.Count == 1 ? failures[0].ToString() : $"no broker of the {failures.Count} answered: {string.Join("; ", failures.Select(f => f.ToString()))}";
}
