using System.IO.Compression;
using Microsoft.Net.Http.Headers;

namespace Lyceum.Platform.Api;

/// <summary>
/// A JSON answer serialised and compressed once, for answers that are large, read often and cached (the tutoring
/// centre's week: 2,000 sessions, 1.4 MB of JSON). Served as Brotli or gzip when the client accepts it (browsers do),
/// so a cached answer costs a copy, not a serialisation and a compression per request.
/// </summary>
public sealed class EncodedJson
{
    private EncodedJson(byte[] json, byte[] gzip, byte[] brotli) => (Json, Gzip, Brotli) = (json, gzip, brotli);

    public byte[] Json { get; }

    public byte[] Gzip { get; }

    public byte[] Brotli { get; }

    public static EncodedJson From(byte[] json) => new(json, Compress(json, s => new GZipStream(s, CompressionLevel.Optimal)),
        Compress(json, s => new BrotliStream(s, CompressionLevel.Optimal)));

    /// <summary>The answer in the best encoding <paramref name="request"/> accepts (br, then gzip, else none).</summary>
    public IResult ToResult(HttpRequest request)
    {
        var accepted = StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var values)
            ? values.Where(v => v.Quality is null or > 0).Select(v => v.Value.ToString().ToLowerInvariant()).ToHashSet()
            : [];
        var (body, encoding) = accepted.Contains("br") ? (Brotli, "br") : accepted.Contains("gzip") ? (Gzip, "gzip") : (Json, null);
        return new Written(body, encoding);
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream(data.Length / 4);
        using (var stream = compressor(output))
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    private sealed class Written(byte[] body, string? encoding) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
            if (encoding is not null)
            {
                response.Headers.ContentEncoding = encoding;
            }

            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
