using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.ApiKeys;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(ApiKeyResponse))]
[JsonSerializable(typeof(ApiKeyCreatedResponse))]
[JsonSerializable(typeof(PagedResult<ApiKeyResponse>))]
internal sealed partial class ApiKeysJsonContext : JsonSerializerContext;
