using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Erp.Mfa;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MfaChallengeResponse))]
[JsonSerializable(typeof(MfaLoginRequest))]
[JsonSerializable(typeof(MfaLoginEnrollRequest))]
[JsonSerializable(typeof(MfaEnrollRequest))]
[JsonSerializable(typeof(MfaConfirmRequest))]
[JsonSerializable(typeof(MfaDisableRequest))]
[JsonSerializable(typeof(TenantMfaRequest))]
[JsonSerializable(typeof(MfaEnrollmentResponse))]
[JsonSerializable(typeof(MfaRecoveryCodesResponse))]
[JsonSerializable(typeof(MfaStatusResponse))]
[JsonSerializable(typeof(TenantMfaResponse))]
internal sealed partial class MfaJsonContext : JsonSerializerContext;
