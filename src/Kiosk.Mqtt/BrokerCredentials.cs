using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Kiosk.Core;
using Kiosk.Core.Inputs;
using MQTTnet;

namespace Kiosk.Mqtt;

/// <summary>TLS material and credentials of a <see cref="BrokerSecurity"/> applied to MQTTnet client options.</summary>
public static class BrokerCredentials
{
    /// <summary>Applies the user name and password, and TLS (CA pinning, client certificate, server name).</summary>
    public static void Apply(MqttClientOptionsBuilder builder, BrokerSecurity options)
    {
        if (options.Username.Length > 0)
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (!options.Tls)
        {
            return;
        }

        X509Certificate2Collection? pinned = null;
        if (options.CaFile.Length > 0)
        {
            pinned = new X509Certificate2Collection();
            pinned.ImportFromPem(ReadPem(options, "CaFile", options.CaFile));
            if (pinned.Count == 0)
            {
                throw new InvalidOperationException($"{options.Section}:CaFile '{options.CaFile}' holds no certificate");
            }
        }

        var clientCertificate = LoadClientCertificate(options);
        builder.WithTlsOptions(tls =>
        {
            tls.UseTls(true)
               .WithTargetHost(options.TlsServerName.Length > 0 ? options.TlsServerName : options.Host)
               .WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
               .WithCertificateValidationHandler(e => Validate(e.Certificate, e.Chain, e.SslPolicyErrors, pinned));
            if (clientCertificate is not null)
            {
                tls.WithClientCertificates([clientCertificate]);
            }
        });
    }

    /// <summary>
    /// With a pinned CA set: the host name must match and the chain must end at one of the pinned CAs (the system
    /// store is not consulted). Without: the platform's verdict.
    /// </summary>
    internal static bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection? pinned)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        if (pinned is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(pinned);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>
    /// A file of the TLS material, at most <see cref="InputLimits.CertificateBytes"/> and only a regular file: a path
    /// to <c>/dev/zero</c> is one line naming the key, not gigabytes read.
    /// </summary>
    private static byte[] Read(BrokerSecurity options, string key, string path)
    {
        try
        {
            return BoundedFile.ReadRegularFile(path, InputLimits.CertificateBytes);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"{options.Section}:{key}: {OneLine.Of(ex.Message)}");
        }
    }

    private static string ReadPem(BrokerSecurity options, string key, string path)
    {
        var bytes = Read(options, key, path);
        try
        {
            return BoundedFile.Utf8Text(bytes, path);
        }
        catch (InvalidDataException ex)
        {
            throw new KioskInputException($"{options.Section}:{key}: {OneLine.Of(ex.Message)}");
        }
    }

    private static X509Certificate2? LoadClientCertificate(BrokerSecurity options)
    {
        if (options.ClientCertFile.Length == 0)
        {
            return null;
        }

        var extension = Path.GetExtension(options.ClientCertFile).ToLowerInvariant();
        if (extension is ".pfx" or ".p12")
        {
            var pfx = Read(options, "ClientCertFile", options.ClientCertFile);
            return X509CertificateLoader.LoadPkcs12(pfx, options.ClientCertPassword.Length > 0 ? options.ClientCertPassword : null);
        }

        // A key in the certificate's own file when there is no key file (as CreateFromPemFile does).
        var certificatePem = ReadPem(options, "ClientCertFile", options.ClientCertFile);
        var keyPem = options.ClientKeyFile.Length > 0 ? ReadPem(options, "ClientKeyFile", options.ClientKeyFile) : certificatePem;
        using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);

        // SslStream wants a key it can use from the platform store: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
