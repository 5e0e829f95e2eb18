using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Security.Hosting;

/// <summary>
/// VAL-1: request JSON as strict as .NET 10's <c>JsonSerializerOptions.Strict</c>, on top of the web
/// defaults (camelCase): unknown members, duplicate keys, null for non-nullable members, missing
/// constructor parameters and numbers in strings are all errors; property names are case-sensitive;
/// nesting is capped at <see cref="MaxDepth"/>; every string is NFC-normalized and NUL-free.
/// </summary>
public static class StrictJsonSetup
{
    public const int MaxDepth = 16;

    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.AllowTrailingCommas = false;
        options.MaxDepth = MaxDepth;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new Validation.NormalizingStringConverter());
        options.TypeInfoResolverChain.Insert(0, SecurityJsonContext.Default);
    }
}
