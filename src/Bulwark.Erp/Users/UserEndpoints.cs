using Bulwark.Erp.Authorization;
using Bulwark.Security.Authorization;
using System.Linq.Expressions;
using Bulwark.Erp.Data;
using Bulwark.Security.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Users;

public static class UserEndpoints
{
    public static readonly SortMap<User> Sort = new SortMap<User>()
        .Add("email", u => u.NormalizedEmail)
        .Add("displayName", u => u.DisplayName)
        .Add("createdAt", u => u.CreatedAt);

    private static readonly Expression<Func<User, UserResponse>> ToResponse = u =>
        new UserResponse(u.Id, u.Email, u.DisplayName, u.Roles, u.IsActive, u.EmployeeId, u.LastLoginAt, u.CreatedAt);

    /// <summary>The same projection for a user already loaded (role change, e-mail change).</summary>
    internal static readonly Func<User, UserResponse> Describe = ToResponse.Compile();

    public static RouteGroupBuilder MapUsers(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").AuditCrossTenantIds<User>();
        group.MapGet("/", ListUsers).WithName("ListUsers").RequirePermission(Permissions.UsersRead).WithListQuery(Sort.Names, "active");
        group.MapGet("/{id:guid}", GetUser).WithName("GetUser").RequirePermission(Permissions.UsersRead);
        group.MapUserRoles();   // AZ-2: PUT /{id}/roles (users:manage)
        group.MapUserAccounts();   // AUTH-6/AUTH-8: POST /{id}/disable, /{id}/enable, DELETE /{id}/mfa (users:manage)
        return group;
    }

    private static async Task<Ok<PagedResult<UserResponse>>> ListUsers(PageQuery page, bool? active, BulwarkDbContext db,
        CancellationToken cancellationToken)
    {
        var query = db.Users.AsNoTracking();
        if (active is { } isActive)
        {
            query = query.Where(u => u.IsActive == isActive);
        }

        return TypedResults.Ok(await query.ToPageAsync(db, page, Sort, ToResponse, cancellationToken));
    }

    private static async Task<Results<Ok<UserResponse>, NotFound>> GetUser(Guid id, BulwarkDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(ToResponse).FirstOrDefaultAsync(cancellationToken);
        return EndpointResults.OkOrNotFound(user);
    }
}
