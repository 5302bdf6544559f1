using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kiosk.Core;

namespace Kiosk.FleetWeb;

/// <summary>
/// The console's users file: <c>{"users":[{"name":"ann","role":"operator","hash":"pbkdf2-sha256$600000$SALT$HASH"}]}</c>.
/// Passwords are never stored: each hash is PBKDF2-HMAC-SHA256 with its own 16-byte random salt, compared in
/// constant time. Roles: <see cref="Viewer"/> (sees everything) and <see cref="Operator"/> (also opens gates,
/// restarts, changes configuration, decommissions).
/// </summary>
public sealed class FleetUsers
{
    /// <summary>Sees the fleet.</summary>
    public const string Viewer = "viewer";

    /// <summary>Sees and steers the fleet.</summary>
    public const string Operator = "operator";

    private const int Iterations = 600_000;
    private const string Scheme = "pbkdf2-sha256";
    private readonly Dictionary<string, (string Role, string Hash)> _users;

    private FleetUsers(Dictionary<string, (string Role, string Hash)> users) => _users = users;

    /// <summary>How many users.</summary>
    public int Count => _users.Count;

    /// <summary>Reads the file; a missing, malformed or empty file is one <see cref="KioskInputException"/> line.</summary>
    public static FleetUsers Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"fleet serve: cannot read the users file {path}: {ex.Message} (create it with kiosk fleet user add)", ex);
        }

        var users = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        try
        {
            var root = JsonNode.Parse(text)?["users"]?.AsArray() ?? throw new KioskInputException($"fleet serve: {path} has no \"users\" list");
            foreach (var user in root)
            {
                var name = (string?)user?["name"];
                var role = (string?)user?["role"];
                var hash = (string?)user?["hash"];
                if (string.IsNullOrWhiteSpace(name) || role is not (Viewer or Operator) || hash is null || !hash.StartsWith(Scheme + "$", StringComparison.Ordinal))
                {
                    throw new KioskInputException($"fleet serve: {path}: every user needs a name, a role (viewer or operator) and a {Scheme} hash");
                }

                users[name] = (role, hash);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new KioskInputException($"fleet serve: {path} is not a users file ({ex.Message})", ex);
        }

        if (users.Count == 0)
        {
            throw new KioskInputException($"fleet serve: {path} has no users (add one with kiosk fleet user add)");
        }

        return new FleetUsers(users);
    }

    /// <summary>The user's role when the password is right; null otherwise (the same work for an unknown name).</summary>
    public string? SignIn(string name, string password)
    {
        if (_users.TryGetValue(name, out var user))
        {
            return Verify(password, user.Hash) ? user.Role : null;
        }

        Verify(password, Hash("-")); // an unknown name costs the same as a wrong password
        return null;
    }

    /// <summary>A salted hash of <paramref name="password"/>.</summary>
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations) || iterations is < 10_000 or > 10_000_000)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Adds or replaces a user in the file (created with mode 600 when missing).</summary>
    public static void AddOrReplace(string path, string name, string role, string password)
    {
        if (role is not (Viewer or Operator))
        {
            throw new KioskInputException($"role '{role}' must be {Viewer} or {Operator}");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(char.IsControl))
        {
            throw new KioskInputException("a user name is 1 to 64 printable characters");
        }

        if (password.Length < 8)
        {
            throw new KioskInputException("a password has at least 8 characters");
        }

        var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
        var users = root["users"] as JsonArray ?? [];
        root["users"] = users;
        foreach (var existing in users.Where(u => (string?)u?["name"] == name).ToArray())
        {
            users.Remove(existing);
        }

        users.Add(new JsonObject { ["name"] = name, ["role"] = role, ["hash"] = Hash(password) });
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
