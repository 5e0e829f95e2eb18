using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Security.Validation;

namespace Bulwark.Security.Hosting;

/// <summary>Source-generated JSON metadata for the types Bulwark.Security writes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FieldError))]
[JsonSerializable(typeof(IReadOnlyList<FieldError>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;
