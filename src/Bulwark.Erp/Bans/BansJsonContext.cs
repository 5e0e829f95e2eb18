using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Erp.Bans;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BanResponse))]
[JsonSerializable(typeof(IReadOnlyList<BanResponse>))]
internal sealed partial class BansJsonContext : JsonSerializerContext;
