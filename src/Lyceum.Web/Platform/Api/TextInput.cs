using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lyceum.Platform.Api;

/// <summary>
/// Text a person could have typed: no NUL or other control characters (tab and line breaks aside) and no broken
/// UTF-16. PostgreSQL refuses NUL in text and cannot store a lone surrogate, so such input must be a 400 at the field
/// on both databases rather than a 500 on one of them.
/// </summary>
public static class TextInput
{
    public const string Problem = "Must not contain control characters or invalid Unicode.";

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>An optional field as stored: trimmed, and null when left blank.</summary>
    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static bool IsClean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return false;
            }
        }

        try
        {
            Strict.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Checks every query-string value given, by field name.</summary>
    public static void Check(FieldErrors errors, string field, string? value)
    {
        if (!IsClean(value))
        {
            errors.Add(field, Problem);
        }
    }
}

/// <summary>Every JSON string the API reads goes through here: unclean text is refused with the field's path.</summary>
public sealed class CleanStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return TextInput.IsClean(value) ? value : throw new UncleanTextException();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>Thrown by <see cref="CleanStringConverter"/>; the serializer adds the path, <see cref="ApiProblems"/> names the field.</summary>
public sealed class UncleanTextException() : JsonException(TextInput.Problem);
