using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Lyceum.Platform.Access;

/// <summary>
/// <c>Lyceum:Jwt:*</c>. Without <c>SigningKey</c> a random key is generated once and kept in <c>data/jwt-signing.key</c>:
/// fine for one node; several nodes must share a configured key.
/// </summary>
public sealed class JwtSettings
{
    public string Issuer { get; set; } = "lyceum";

    public string Audience { get; set; } = "lyceum-api";

    public int AccessTokenMinutes { get; set; } = 15;

    public int RefreshTokenDays { get; set; } = 14;

    public string? SigningKey { get; set; }

    public string KeyFile { get; set; } = "data/jwt-signing.key";

    private SymmetricSecurityKey? _key;

    public SymmetricSecurityKey Key => _key ??= new SymmetricSecurityKey(LoadKeyBytes()) { KeyId = "lyceum" };

    private byte[] LoadKeyBytes()
    {
        if (!string.IsNullOrWhiteSpace(SigningKey))
        {
            return Decode(SigningKey, "Lyceum:Jwt:SigningKey");
        }

        var path = Path.GetFullPath(KeyFile);
        if (File.Exists(path))
        {
            return Decode(File.ReadAllText(path).Trim(), path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = RandomNumberGenerator.GetBytes(64);
        File.WriteAllText(path, Convert.ToBase64String(bytes));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return bytes;
    }

    private static byte[] Decode(string text, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            bytes = Encoding.UTF8.GetBytes(text);
        }

        return bytes.Length >= 32
            ? bytes
            : throw new InvalidOperationException($"The JWT signing key in {source} must be at least 32 bytes (256 bits).");
    }
}
