using Lyceum.Modules.Identity.Roles;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.UserRoles;

public sealed record RoleRef(Guid Id, string Name);

/// <summary>An account and the roles it holds.</summary>
public sealed record UserRolesResponse(Guid UserId, string Email, string DisplayName, IReadOnlyList<RoleRef> Roles);

/// <summary>The whole set of roles an account should hold (PUT): sending the same set twice changes nothing.</summary>
public sealed record SetUserRolesRequest(IReadOnlyList<Guid>? RoleIds);

/// <summary>One role to add to an account's roles (POST): adding a role it holds changes nothing.</summary>
public sealed record AddUserRoleRequest(Guid? RoleId);

/// <summary>
/// Reads and changes which roles an account holds. Every change is one transaction that ends with the account's
/// roles exactly as asked, and is refused if it would leave nobody able to manage roles.
/// </summary>
public sealed class UserRolesHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    public async Task<Result<UserRolesResponse>> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadAsync(db, userId, cancellationToken) is { } found
            ? found
            : new Error.NotFound($"There is no account {userId}.");
    }

    public Task<Result<UserRolesResponse>> SetAsync(Guid userId, SetUserRolesRequest request, CancellationToken cancellationToken)
    {
        if (request.RoleIds is null)
        {
            return Task.FromResult<Result<UserRolesResponse>>(Error.Field("roleIds", "This field is required (an empty list takes every role away)."));
        }

        if (request.RoleIds.Count > 100)
        {
            return Task.FromResult<Result<UserRolesResponse>>(Error.Field("roleIds", "At most 100 roles."));
        }

        return ChangeAsync(userId, "roleIds", request.RoleIds, _ => [.. request.RoleIds], cancellationToken);
    }

    public Task<Result<UserRolesResponse>> AddAsync(Guid userId, AddUserRoleRequest request, CancellationToken cancellationToken) =>
        request.RoleId is { } roleId
            ? ChangeAsync(userId, "roleId", [roleId], held => [.. held, roleId], cancellationToken)
            : Task.FromResult<Result<UserRolesResponse>>(Error.Field("roleId", "This field is required."));

    public Task<Result<UserRolesResponse>> RemoveAsync(Guid userId, Guid roleId, CancellationToken cancellationToken) =>
        ChangeAsync(userId, null, [], held => [.. held.Where(r => r != roleId)], cancellationToken);

    private async Task<Result<UserRolesResponse>> ChangeAsync(
        Guid userId, string? field, IReadOnlyList<Guid> named, Func<HashSet<Guid>, HashSet<Guid>> change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RoleRules.LockAsync(db, cancellationToken);
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return new Error.NotFound($"There is no account {userId}.");
        }

        var known = await db.Roles.Where(r => named.Contains(r.Id)).Select(r => r.Id).ToListAsync(cancellationToken);
        var errors = new FieldErrors();
        for (var i = 0; i < named.Count; i++)
        {
            if (!known.Contains(named[i]))
            {
                errors.Add(field == "roleIds" ? $"roleIds[{i}]" : field!, $"There is no role {named[i]}.");
            }
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var held = await db.UserRoles.Where(ur => ur.UserId == userId).ToListAsync(cancellationToken);
        var wanted = change([.. held.Select(h => h.RoleId)]);
        db.UserRoles.RemoveRange(held.Where(h => !wanted.Contains(h.RoleId)));
        db.UserRoles.AddRange(wanted.Where(r => held.All(h => h.RoleId != r))
            .Select(r => new IdentityUserRole<Guid> { UserId = userId, RoleId = r }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another change to this account's roles committed first (the same role added twice at once).
            return new Error.Conflict("This account's roles were changed at the same time. Read them again and repeat your change.");
        }

        if (await RoleRules.SomeoneStillManagesRolesAsync(db, cancellationToken) is { } lockout)
        {
            return lockout;
        }

        await transaction.CommitAsync(cancellationToken);
        return (await ReadAsync(db, userId, cancellationToken))!;
    }

    private static async Task<UserRolesResponse?> ReadAsync(LyceumDbContext db, Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.Email, u.DisplayName })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return null;
        }

        var roles = await db.UserRoles.AsNoTracking().Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new RoleRef(r.Id, r.Name!))
            .ToListAsync(cancellationToken);
        return new UserRolesResponse(user.Id, user.Email ?? string.Empty, user.DisplayName,
            [.. roles.OrderBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)]);
    }
}

public static class UserRolesEndpoints
{
    public static IEndpointRouteBuilder MapUserRoles(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users/{userId:guid}/roles").WithTags("Roles").RequireAuthorization(Permissions.RolesManage);
        group.MapGet("/", async Task<Results<Ok<UserRolesResponse>, ProblemHttpResult>> (
                Guid userId, UserRolesHandler handler, CancellationToken cancellationToken) =>
                (await handler.GetAsync(userId, cancellationToken)).ToOk())
            .WithName("GetUserRoles")
            .WithSummary("The roles an account holds")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/", async Task<Results<Ok<UserRolesResponse>, ProblemHttpResult>> (
                Guid userId, SetUserRolesRequest request, UserRolesHandler handler, CancellationToken cancellationToken) =>
                (await handler.SetAsync(userId, request, cancellationToken)).ToOk())
            .WithName("SetUserRoles")
            .WithSummary("Set exactly which roles an account holds")
            .WithDescription("Idempotent. 409 when it would leave no account able to manage roles.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/", async Task<Results<Ok<UserRolesResponse>, ProblemHttpResult>> (
                Guid userId, AddUserRoleRequest request, UserRolesHandler handler, CancellationToken cancellationToken) =>
                (await handler.AddAsync(userId, request, cancellationToken)).ToOk())
            .WithName("AddUserRole")
            .WithSummary("Give an account one more role")
            .WithDescription("Idempotent: adding a role the account holds changes nothing.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{roleId:guid}", async Task<Results<Ok<UserRolesResponse>, ProblemHttpResult>> (
                Guid userId, Guid roleId, UserRolesHandler handler, CancellationToken cancellationToken) =>
                (await handler.RemoveAsync(userId, roleId, cancellationToken)).ToOk())
            .WithName("RemoveUserRole")
            .WithSummary("Take one role from an account")
            .WithDescription("Idempotent. 409 when it would leave no account able to manage roles.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
