using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using HealthCode.Formats;

namespace HealthCode.Authority;

/// <summary><c>trust build</c>: a JSON trust list (health-code.md, "Keys") from public keys and certificates.</summary>
public static class TrustCommands
{
    public static Command Create()
    {
        var issuer = new Option<string[]>("--issuer") { Description = "REGION=FILE.pub (SPKI base64); repeatable", AllowMultipleArgumentsPerToken = false };
        var certificate = new Option<string[]>("--certificate") { Description = "REGION=FILE (X.509 DER or base64); kid by the DCC rule; repeatable" };
        var notBefore = new Option<string>("--not-before") { Description = "Start of the keys' validity (ISO 8601)", Required = true };
        var notAfter = new Option<string>("--not-after") { Description = "End of the keys' validity (ISO 8601)", Required = true };
        var docKey = CardCommands.DocKeyOption();
        docKey.Description = "Put this docKey (base64 file from 'card key') into the list, for ID cards";
        var output = new Option<FileInfo?>("--out") { Description = "Write the JSON here (default: stdout)" };
        var build = new Command("build", "Build a JSON trust list") { issuer, certificate, notBefore, notAfter, docKey, output };
        build.SetAction(parse =>
        {
            var from = AuthorityCli.ParseInstant(parse.GetValue(notBefore)!, "--not-before");
            var to = AuthorityCli.ParseInstant(parse.GetValue(notAfter)!, "--not-after");
            if (to < from)
            {
                throw new AuthorityInputException("--not-after is before --not-before");
            }

            var entries = new List<TrustedIssuer>();
            foreach (var spec in parse.GetValue(issuer) ?? [])
            {
                var (region, path) = Split(spec, "--issuer");
                var spki = KeyCommands.LoadPublic(path);
                entries.Add(TrustedIssuer.FromPublicKey(SigningKey.KidOf(spki), region, spki, from, to));
            }

            foreach (var spec in parse.GetValue(certificate) ?? [])
            {
                var (region, path) = Split(spec, "--certificate");
                entries.Add(LoadCertificate(region, path, from, to));
            }

            if (entries.Count == 0)
            {
                throw new AuthorityInputException("give at least one --issuer REGION=FILE.pub or --certificate REGION=FILE");
            }

            var key = parse.GetValue(docKey) is { } docKeyFile ? CardCommands.LoadDocKey(docKeyFile) : null;
            var json = TrustListFormat.ToJson(new TrustList(entries, docKey: key));
            if (parse.GetValue(output) is { } file)
            {
                AuthorityCli.WriteFile(file.FullName, Encoding.UTF8.GetBytes(json + "\n"));
            }
            else
            {
                parse.InvocationConfiguration.Output.WriteLine(json);
            }

            return 0;
        });
        return new Command("trust", "Trust lists") { build };
    }

    private static (string Region, string Path) Split(string spec, string option)
    {
        var at = spec.IndexOf('=', StringComparison.Ordinal);
        return at > 0 && at < spec.Length - 1 ? (spec[..at], spec[(at + 1)..]) : throw new AuthorityInputException($"{option} wants REGION=FILE, not '{spec}'");
    }

    private static TrustedIssuer LoadCertificate(string region, string path, DateTimeOffset from, DateTimeOffset to)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthorityInputException($"cannot read certificate '{path}': {ex.Message}", ex);
        }

        try
        {
            var der = bytes.Length > 0 && bytes[0] == 0x30 ? bytes : Convert.FromBase64String(Encoding.ASCII.GetString(bytes).Trim());
            var entry = TrustedIssuer.FromCertificate(der, region, from, to);
            _ = entry.PublicKey;
            return entry;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new AuthorityInputException($"'{path}' is not an X.509 certificate (DER or base64) with a P-256, P-384 or RSA-2048+ key: {ex.Message}", ex);
        }
    }
}
