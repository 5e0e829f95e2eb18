using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Erp.Tenants;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Users;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(ChangeEmailRequest))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(Sessions.SessionResponse))]
[JsonSerializable(typeof(PagedResult<Sessions.SessionResponse>))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(Sessions.RefreshRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(SetUserRolesRequest))]
[JsonSerializable(typeof(PagedResult<UserResponse>))]
[JsonSerializable(typeof(TenantResponse))]
internal sealed partial class UsersJsonContext : JsonSerializerContext;
