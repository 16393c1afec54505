using Microsoft.Net.Http.Headers;

namespace Lyceum.Platform.Api;

/// <summary>Optimistic concurrency over HTTP: the entity version is the ETag; updates must send it back in If-Match.</summary>
public static class ETags
{
    public static string For(Guid version) => $"\"{version:N}\"";

    /// <summary>Reads If-Match. No header → <see cref="Error.PreconditionRequired"/>; unreadable or "*" → 412.</summary>
    public static Result<Guid> ReadIfMatch(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return new Error.PreconditionRequired(
                "Send the record's ETag in an If-Match header so that you do not overwrite someone else's change.");
        }

        if (EntityTagHeaderValue.TryParseList(values, out var tags) && tags.Count == 1 && !tags[0].IsWeak
            && Guid.TryParseExact(tags[0].Tag.ToString().Trim('"'), "N", out var version))
        {
            return version;
        }

        return new Error.PreconditionFailed("The If-Match header does not match the current version of this record.");
    }

    /// <summary>True when If-None-Match names the current version: the client's copy is fresh (304).</summary>
    public static bool IsFresh(HttpRequest request, Guid version) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags)
        && tags.Any(t => t.Compare(new EntityTagHeaderValue(For(version)), useStrongComparison: false));
}
