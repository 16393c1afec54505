using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Lyceum.Modules.Identity;

/// <summary>The token pair the API hands out: a short-lived JWT and an opaque refresh token stored only as its hash.</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, DateTime ExpiresAt, string RefreshToken);

/// <summary>
/// Creates access tokens and stores refresh tokens. A sign-in starts a token family; each refresh continues it, so a
/// refresh token used twice can revoke everything descended from the same sign-in.
/// </summary>
public sealed class TokenIssuer(JwtSettings jwt, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<TokenResponse> IssueAsync(
        LyceumDbContext db, LyceumUser user, CancellationToken cancellationToken, Guid? family = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // JWT times are whole seconds: report the same instant the token carries.
        var expires = now.AddMinutes(jwt.AccessTokenMinutes);
        expires = expires.AddTicks(-(expires.Ticks % TimeSpan.TicksPerSecond));
        // No role or permission claims: access is read from the database on each request, so a changed role takes
        // effect at once instead of when the token expires.
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.Id.ToString()),
            new(JwtRegisteredClaimNames.Email, user.Email ?? string.Empty),
            new("name", user.DisplayName),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
        };

        var accessToken = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(jwt.Key, SecurityAlgorithms.HmacSha256),
        });

        var refreshToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            FamilyId = family ?? Guid.NewGuid(),
            TokenHash = Hash(refreshToken),
            CreatedAt = now,
            ExpiresAt = now.AddDays(jwt.RefreshTokenDays),
        });
        await db.SaveChangesAsync(cancellationToken);

        return new TokenResponse(accessToken, "Bearer", expires, refreshToken);
    }

    /// <summary>Revokes every live token of a family: the sign-in it came from is over.</summary>
    public Task<int> RevokeFamilyAsync(LyceumDbContext db, Guid family, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.RefreshTokens
            .Where(t => t.FamilyId == family && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    /// <summary>The stored form of a refresh token a client sent, or the field error for an absent or oversized one.</summary>
    public static Result<string> HashOfSubmitted(string? refreshToken)
    {
        var errors = new FieldErrors();
        errors.Required("refreshToken", refreshToken);
        errors.MaxLength("refreshToken", refreshToken, 200);
        return errors.Any ? errors.ToError() : Hash(refreshToken!.Trim());
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
