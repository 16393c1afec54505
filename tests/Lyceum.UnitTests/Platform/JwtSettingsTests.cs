using Lyceum.Platform.Access;

namespace Lyceum.UnitTests.Platform;

public sealed class JwtSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lyceum-jwt-").FullName;

    [Fact]
    public void Without_a_configured_key_one_is_generated_once_readable_by_the_owner_only()
    {
        var file = Path.Combine(_folder, "data", "jwt-signing.key");

        var first = new JwtSettings { KeyFile = file }.Key.Key;
        var second = new JwtSettings { KeyFile = file }.Key.Key;

        Assert.Equal(64, first.Length);
        Assert.Equal(first, second);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void A_configured_key_is_used_as_base64_or_as_text()
    {
        var base64 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        Assert.Equal(32, new JwtSettings { SigningKey = base64, KeyFile = Path.Combine(_folder, "unused") }.Key.Key.Length);
        Assert.Equal(40, new JwtSettings { SigningKey = new string('k', 40) }.Key.Key.Length);
        Assert.False(File.Exists(Path.Combine(_folder, "unused")));
    }

    [Fact]
    public void A_key_shorter_than_256_bits_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new JwtSettings { SigningKey = "too-short" }.Key);

        Assert.Contains("at least 32 bytes", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
