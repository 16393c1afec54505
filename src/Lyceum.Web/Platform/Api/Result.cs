namespace Lyceum.Platform.Api;

/// <summary>An expected failure of a use case. <see cref="ApiProblems"/> turns each kind into its problem response.</summary>
public abstract record Error(string Detail)
{
    /// <summary>Bad input; <paramref name="Errors"/> is keyed by the camelCase field (or query parameter) name.</summary>
    public sealed record Validation(IDictionary<string, string[]> Errors)
        : Error("One or more fields are not valid.");

    public sealed record NotFound(string Detail) : Error(Detail);

    /// <summary>The request clashes with what is stored; <paramref name="Extensions"/> go into the problem body (the current values).</summary>
    public sealed record Conflict(string Detail, IReadOnlyDictionary<string, object?>? Extensions = null) : Error(Detail);

    /// <summary>The If-Match version is no longer the stored one.</summary>
    public sealed record PreconditionFailed(string Detail) : Error(Detail);

    public sealed record PreconditionRequired(string Detail) : Error(Detail);

    public sealed record Unauthorized(string Detail) : Error(Detail);

    public sealed record Forbidden(string Detail) : Error(Detail);

    /// <summary>A body that is not JSON (or no Content-Type saying so).</summary>
    public sealed record UnsupportedMediaType(string Detail) : Error(Detail);

    /// <summary>Too many attempts; the response carries Retry-After.</summary>
    public sealed record TooManyRequests(string Detail, TimeSpan RetryAfter) : Error(Detail);

    /// <summary>The server is too busy to take this now (503); nothing was done and the same request may be sent again after RetryAfter.</summary>
    public sealed record Unavailable(string Detail, TimeSpan RetryAfter) : Error(Detail);

    public static Validation Field(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The outcome of a use case: a value, or an <see cref="Error"/> the caller can expect.</summary>
public readonly struct Result<T>
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);
}

/// <summary>Collects field errors for one request; keys are the camelCase names clients send.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "This field is required.");
        }
    }

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"Must be at most {max} characters.");
        }
    }

    public Error.Validation ToError() =>
        new(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
