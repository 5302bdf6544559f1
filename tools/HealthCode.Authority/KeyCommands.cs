using System.CommandLine;
using System.Text;
using HealthCode.Formats;

namespace HealthCode.Authority;

/// <summary><c>key create</c>: an issuer key (signs codes) or the authority key (signs feed messages). Files: NAME.key.pem (PKCS#8), NAME.pub (SubjectPublicKeyInfo, base64); prints the kid and, for ES256, the fingerprint <c>kiosk enroll</c> shows.</summary>
public static class KeyCommands
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "File name stem, e.g. issuer-cn-hl or authority", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the key files", Required = true };
        var alg = new Option<string>("--alg") { Description = "ES256 (P-256) or PS256 (RSA 2048)", DefaultValueFactory = _ => "ES256" };
        var create = new Command("create", "Create a key pair: NAME.key.pem (PKCS#8 private) and NAME.pub (SPKI base64 public); prints the kid") { name, output, alg };
        create.SetAction(parse =>
        {
            var stem = parse.GetValue(name)!;
            if (stem.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || stem.Length == 0)
            {
                throw new AuthorityInputException($"--name '{stem}' is not a file name");
            }

            using var key = parse.GetValue(alg)!.ToUpperInvariant() switch
            {
                "ES256" => SigningKey.CreateEs256(),
                "PS256" => SigningKey.CreatePs256(),
                var other => throw new AuthorityInputException($"--alg must be ES256 or PS256, not '{other}'"),
            };
            var folder = parse.GetValue(output)!.FullName;
            var privatePath = Path.Combine(folder, stem + ".key.pem");
            if (File.Exists(privatePath))
            {
                throw new AuthorityInputException($"'{privatePath}' exists; refusing to overwrite a private key");
            }

            AuthorityCli.WriteFile(privatePath, Encoding.ASCII.GetBytes(key.ExportPkcs8Pem() + "\n"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            AuthorityCli.WriteFile(Path.Combine(folder, stem + ".pub"), Encoding.ASCII.GetBytes(Convert.ToBase64String(key.SubjectPublicKeyInfo) + "\n"));
            parse.InvocationConfiguration.Output.WriteLine($"kid {Convert.ToBase64String(key.Kid)} ({(key.Algorithm == CoseAlgorithms.ES256 ? "ES256" : "PS256")}): {privatePath}, {Path.Combine(folder, stem + ".pub")}");
            if (key.Algorithm == CoseAlgorithms.ES256)
            {
                // What `kiosk enroll` shows an installer to confirm the authority key (a file, or read from the broker).
                parse.InvocationConfiguration.Output.WriteLine($"fingerprint {HealthCode.Formats.Feed.AuthorityKey.Fingerprint(key.SubjectPublicKeyInfo)} (as an authority key: the one kiosk enroll shows installers)");
            }
            return 0;
        });
        return new Command("key", "Issuer and authority key pairs") { create };
    }

    /// <summary>Loads a PKCS#8 PEM private key file as a signing key (kid from its public key), or fails with a one-line error.</summary>
    public static SigningKey LoadPrivate(FileInfo file)
    {
        try
        {
            return SigningKey.FromPkcs8Pem(AuthorityCli.ReadText(file.FullName, "private key"));
        }
        catch (FormatException ex)
        {
            throw new AuthorityInputException($"'{file.Name}': {ex.Message}", ex);
        }
    }

    /// <summary>Loads a NAME.pub file (SPKI base64), or fails with a one-line error.</summary>
    public static byte[] LoadPublic(string path)
    {
        try
        {
            var spki = Convert.FromBase64String(AuthorityCli.ReadText(path, "public key").Trim());
            PublicKeys.Import(spki).Dispose();
            return spki;
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new AuthorityInputException($"'{path}' is not a base64 SubjectPublicKeyInfo of a P-256, P-384 or RSA-2048+ key: {ex.Message}", ex);
        }
    }
}
