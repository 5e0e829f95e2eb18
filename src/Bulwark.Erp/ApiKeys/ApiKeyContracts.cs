using Bulwark.Security.Validation;
using P = Bulwark.Erp.Authorization.Permissions;

namespace Bulwark.Erp.ApiKeys;

/// <summary>
/// POST /api/v1/api-keys: a name, the permissions the key is scoped to (each one the creator holds), its lifetime
/// in days (default 90, at most <c>Bulwark:ApiKeys:MaxLifetimeDays</c>) and the creator's current password
/// (re-authentication, AUTH-11).
/// </summary>
public sealed record CreateApiKeyRequest : IValidatableRequest
{
    public const int DefaultLifetimeDays = 90;

    public string? Name { get; init; }

    public IReadOnlyList<string?>? Permissions { get; init; }

    public int? ExpiresInDays { get; init; }

    public string? CurrentPassword { get; init; }

    /// <summary>AUTH-8/AUTH-11: a current TOTP code, required when the creator has a second factor enrolled.</summary>
    public string? Code { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.PlainText("name", Name, ApiKey.MaxNameLength);
        errors.Items("permissions", Permissions, 1, P.All.Count);
        if (Permissions is not null)
        {
            for (var i = 0; i < Permissions.Count; i++)
            {
                errors.OneOf($"permissions[{i}]", Permissions[i], P.All);
            }

            if (Permissions.Distinct(StringComparer.Ordinal).Count() != Permissions.Count)
            {
                errors.Add("permissions", "unique", "must not repeat a permission");
            }
        }

        errors.Range("expiresInDays", ExpiresInDays, 1, 3650, required: false);
        errors.CurrentPassword("currentPassword", CurrentPassword);
        errors.TotpCode("code", Code, required: false);   // AUTH-11: required (and checked) when the creator has MFA on
    }
}

/// <summary>An API key as lists show it: never its secret or hash.</summary>
public sealed record ApiKeyResponse(
    Guid Id,
    string Name,
    string Prefix,
    IReadOnlyList<string> Permissions,
    Guid CreatedBy,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    DateTime? LastUsedAt,
    DateTime? RevokedAt)
{
    internal static ApiKeyResponse From(ApiKey k) =>
        new(k.Id, k.Name, k.Prefix, k.Permissions, k.CreatedByUserId, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt);
}

/// <summary>The answer to a create: the key itself, this once (only its hash is kept).</summary>
public sealed record ApiKeyCreatedResponse(
    Guid Id,
    string Name,
    string Prefix,
    IReadOnlyList<string> Permissions,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    string Key);
