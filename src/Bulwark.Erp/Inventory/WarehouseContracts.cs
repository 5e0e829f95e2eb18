using Bulwark.Security.Validation;

namespace Bulwark.Erp.Inventory;

public static class WarehouseContracts
{
    public const int CodeMaxLength = 32;
    public const int NameMaxLength = 200;
    public const int AddressMaxLength = 500;
}

/// <summary>VAL-2/VAL-3: what a client may set on a new warehouse; id, tenant, version and timestamps are server-owned.</summary>
public sealed record CreateWarehouseRequest : IValidatableRequest
{
    public string? Code { get; init; }

    public string? Name { get; init; }

    /// <summary>Plain text; line breaks allowed.</summary>
    public string? Address { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.Code("code", Code, WarehouseContracts.CodeMaxLength);
        errors.PlainText("name", Name, WarehouseContracts.NameMaxLength);
        errors.PlainText("address", Address, WarehouseContracts.AddressMaxLength, required: false, multiline: true);
    }
}

/// <summary>
/// Full replacement of a warehouse's editable fields (the code is its identity and stays);
/// <c>version</c> must match the stored one (DATA-6).
/// </summary>
public sealed record UpdateWarehouseRequest : IValidatableRequest
{
    public string? Name { get; init; }

    public string? Address { get; init; }

    public bool? IsActive { get; init; }

    public int? Version { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.PlainText("name", Name, WarehouseContracts.NameMaxLength);
        errors.PlainText("address", Address, WarehouseContracts.AddressMaxLength, required: false, multiline: true);
        errors.Required("isActive", IsActive);
        errors.Range("version", Version, 1, int.MaxValue);
    }
}

public sealed record WarehouseResponse(
    Guid Id,
    string Code,
    string Name,
    string? Address,
    bool IsActive,
    int Version,
    DateTime CreatedAt,
    DateTime UpdatedAt);
