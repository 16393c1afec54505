using Microsoft.Net.Http.Headers;

namespace Lyceum.Platform.Api;

/// <summary>Optimistic concurrency over HTTP: the entity version is the ETag; updates must send it back in If-Match.</summary>
public static class ETags
{
    public static string For(Guid version) => $"\"{version:N}\"";

    /// <summary>
    /// Reads If-Match. No header or "*" → <see cref="Error.PreconditionRequired"/> (we never update blind);
    /// a header that is not one strong ETag of ours → 400 naming the header.
    /// </summary>
    public static Result<Guid> ReadIfMatch(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return new Error.PreconditionRequired(
                "Send the record's ETag in an If-Match header so that you do not overwrite someone else's change.");
        }

        if (values.ToString().Trim() == "*")
        {
            return new Error.PreconditionRequired(
                "If-Match: * would overwrite whatever is stored. Send the record's ETag from GET instead.");
        }

        if (EntityTagHeaderValue.TryParseList(values, out var tags) && tags.Count == 1 && !tags[0].IsWeak
            && Guid.TryParseExact(tags[0].Tag.ToString().Trim('"'), "N", out var version))
        {
            return version;
        }

        return Error.Field("If-Match", "Send the ETag exactly as GET returned it, quotes included, e.g. \"3f2a…\".");
    }

    /// <summary>True when If-None-Match names the current version: the client's copy is fresh (304).</summary>
    public static bool IsFresh(HttpRequest request, Guid version) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags)
        && tags.Any(t => t.Compare(new EntityTagHeaderValue(For(version)), useStrongComparison: false));
}
