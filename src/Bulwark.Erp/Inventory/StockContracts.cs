using Bulwark.Security.Validation;

namespace Bulwark.Erp.Inventory;

public static class StockMovementTypes
{
    /// <summary>Goods arrive: <c>toWarehouseId</c> only.</summary>
    public const string Receipt = "receipt";

    /// <summary>Goods leave: <c>fromWarehouseId</c> only.</summary>
    public const string Issue = "issue";

    /// <summary>Goods move: both warehouses, different.</summary>
    public const string Transfer = "transfer";

    /// <summary>Stock count correction: exactly one warehouse (to = increase, from = decrease).</summary>
    public const string Adjustment = "adjustment";

    public static readonly IReadOnlyList<string> All = [Receipt, Issue, Transfer, Adjustment];
}

public static class StockContracts
{
    public const long MaxQuantity = 1_000_000_000;
    public const int ReferenceMaxLength = 100;
}

/// <summary>
/// VAL-2/VAL-3: a stock movement as a client may request it. The levels it changes, its author and
/// timestamps are server-owned. Which warehouses are required or forbidden depends on the type.
/// </summary>
public sealed record CreateStockMovementRequest : IValidatableRequest
{
    public string? Type { get; init; }

    public Guid? ItemId { get; init; }

    /// <summary>Whole units, 1…1,000,000,000 (a fraction is a JSON type error, VAL-1).</summary>
    public long? Quantity { get; init; }

    public Guid? FromWarehouseId { get; init; }

    public Guid? ToWarehouseId { get; init; }

    public string? Reference { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.OneOf("type", Type, StockMovementTypes.All);
        errors.NotEmpty("itemId", ItemId);
        errors.Range("quantity", Quantity, 1, StockContracts.MaxQuantity);
        errors.NotEmpty("fromWarehouseId", FromWarehouseId, required: false);
        errors.NotEmpty("toWarehouseId", ToWarehouseId, required: false);
        errors.PlainText("reference", Reference, StockContracts.ReferenceMaxLength, required: false);
        ValidateWarehouses(errors);
    }

    private void ValidateWarehouses(ValidationErrors errors)
    {
        const string From = "fromWarehouseId";
        const string To = "toWarehouseId";
        switch (Type)
        {
            case StockMovementTypes.Receipt:
                Demand(errors, To, ToWarehouseId, "is required for a receipt");
                Forbid(errors, From, FromWarehouseId, "must be absent for a receipt");
                break;
            case StockMovementTypes.Issue:
                Demand(errors, From, FromWarehouseId, "is required for an issue");
                Forbid(errors, To, ToWarehouseId, "must be absent for an issue");
                break;
            case StockMovementTypes.Transfer:
                Demand(errors, From, FromWarehouseId, "is required for a transfer");
                Demand(errors, To, ToWarehouseId, "is required for a transfer");
                if (FromWarehouseId is not null && FromWarehouseId == ToWarehouseId)
                {
                    errors.Add(To, "different", "must differ from fromWarehouseId");
                }

                break;
            case StockMovementTypes.Adjustment:
                if (FromWarehouseId is null && ToWarehouseId is null)
                {
                    const string message = "one of fromWarehouseId (decrease) or toWarehouseId (increase) is required for an adjustment";
                    errors.Add(From, "required", message);
                    errors.Add(To, "required", message);
                }
                else if (FromWarehouseId is not null && ToWarehouseId is not null)
                {
                    const string message = "an adjustment takes only one of fromWarehouseId (decrease) or toWarehouseId (increase)";
                    errors.Add(From, "forbidden", message);
                    errors.Add(To, "forbidden", message);
                }

                break;
            default:
                // Unknown or missing type: already reported under "type"; the combination cannot be judged.
                break;
        }
    }

    private static void Demand(ValidationErrors errors, string field, Guid? value, string message)
    {
        if (value is null)
        {
            errors.Add(field, "required", message);
        }
    }

    private static void Forbid(ValidationErrors errors, string field, Guid? value, string message)
    {
        if (value is not null)
        {
            errors.Add(field, "forbidden", message);
        }
    }
}

public sealed record StockLevelResponse(
    Guid Id,
    Guid ItemId,
    Guid WarehouseId,
    long Quantity,
    DateTime UpdatedAt);

public sealed record StockMovementResponse(
    Guid Id,
    string Type,
    Guid ItemId,
    Guid? FromWarehouseId,
    Guid? ToWarehouseId,
    long Quantity,
    string? Reference,
    Guid? CreatedBy,
    DateTime CreatedAt);
