using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Audit;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AuditEventResponse))]
[JsonSerializable(typeof(PagedResult<AuditEventResponse>))]
[JsonSerializable(typeof(AuditChainResponse))]
[JsonSerializable(typeof(string))]
internal sealed partial class AuditApiJsonContext : JsonSerializerContext;
