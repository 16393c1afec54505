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
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = RandomNumberGenerator.GetBytes(64);
        try
        {
            // Created readable by the owner only from the first byte; CreateNew so that two processes starting
            // together cannot both write a key: the loser reads the winner's.
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new StreamWriter(path, create))
            {
                file.Write(Convert.ToBase64String(bytes));
            }

            return bytes;
        }
        catch (IOException) when (File.Exists(path))
        {
            for (var attempt = 0; ; attempt++)
            {
                var text = File.ReadAllText(path).Trim();
                if (text.Length > 0 || attempt == 20)
                {
                    return Decode(text, path);
                }

                Thread.Sleep(50); // the other process is still writing it
            }
        }
    }

    /// <summary>Base64 when it decodes to 256 bits or more; otherwise the text's UTF-8 bytes.</summary>
    private static byte[] Decode(string text, string source)
    {
        var buffer = new byte[text.Length];
        var bytes = Convert.TryFromBase64String(text, buffer, out var written) && written >= 32
            ? buffer[..written]
            : Encoding.UTF8.GetBytes(text);

        return bytes.Length >= 32
            ? bytes
            : throw new InvalidOperationException($"The JWT signing key in {source} must be at least 32 bytes (256 bits).");
    }
}
