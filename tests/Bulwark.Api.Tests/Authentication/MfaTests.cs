using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Api.Tests.Audit;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Authentication;

/// <summary>
/// AUTH-8: TOTP second factor at the product default (required for admins). Enroll (signed in, or during the login of
/// a user who must), confirm with a first code, verify at login within ±1 step, each code accepted once, a login
/// challenge that dies after too many wrong codes (which also count towards the lockout), single-use hashed recovery
/// codes, re-authentication with a code (AUTH-11), disable, and the tenant-wide requirement. Codes are computed here
/// from the secret the API handed out, exactly as an authenticator app does.
/// </summary>
[Trait("Control", "AUTH-8"), Trait("Control", "AUTH-11")]
public abstract class MfaTests(BulwarkApiFactory api)
{
    internal static void Configure(Dictionary<string, string?> settings) =>
        settings["Bulwark:Mfa:RequiredRoles"] = "admin";   // the product default (the other suites turn it off)

    // ---- time steps ------------------------------------------------------------------------------------------------

    /// <summary>The current 30 s step, at least 6 s before it ends (so "previous/current/next" stay what they were).</summary>
    private static async Task<long> FreshStepAsync()
    {
        var into = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 30_000;
        if (into > 24_000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(30_000 - into + 300));
        }

        return DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
    }

    private static string CodeAt(string secret, long step) => TotpCodes.Compute(secret, DateTimeOffset.FromUnixTimeSeconds(step * 30));

    /// <summary>Six digits that are none of the codes valid around <paramref name="step"/>.</summary>
    private static string WrongCode(string secret, long step, int salt = 1)
    {
        var valid = new[] { CodeAt(secret, step - 1), CodeAt(secret, step), CodeAt(secret, step + 1) };
        var candidate = (int.Parse(valid[1], System.Globalization.CultureInfo.InvariantCulture) + salt) % 1_000_000;
        while (valid.Contains(candidate.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)))
        {
            candidate = (candidate + 7) % 1_000_000;
        }

        return candidate.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------------

    private async Task<HttpResponseMessage> PostAsync(string url, object body, string? token = null)
    {
        using var client = api.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.PostAsJsonAsync(url, body);
    }

    private static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> LoginAsync(string role, string tenant = "demo", string password = BulwarkApiFactory.DemoPassword)
    {
        using var response = await PostAsync("/api/v1/auth/login", new { tenant, email = $"{role}@{tenant}.example", password });
        return await OkJsonAsync(response);
    }

    /// <summary>A login that must stop at the second factor: the challenge token (and no tokens at all).</summary>
    private async Task<string> ChallengeAsync(string role, string tenant = "demo", bool enrollmentRequired = false,
        string password = BulwarkApiFactory.DemoPassword)
    {
        var json = await LoginAsync(role, tenant, password);
        Assert.True(json.GetProperty("mfaRequired").GetBoolean());
        Assert.Equal(enrollmentRequired, json.GetProperty("enrollmentRequired").GetBoolean());
        Assert.Equal(300, json.GetProperty("expiresIn").GetInt32());
        Assert.False(json.TryGetProperty("accessToken", out _));
        Assert.False(json.TryGetProperty("refreshToken", out _));
        return json.GetProperty("mfaToken").GetString()!;
    }

    private Task<HttpResponseMessage> SecondStepAsync(string mfaToken, string? code = null, string? recoveryCode = null) =>
        PostAsync("/api/v1/auth/login/mfa", new { mfaToken, code, recoveryCode });

    private async Task RejectedAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid credentials.", problem.GetProperty("detail").GetString());   // AUTH-10: one answer for every failure
    }

    private async Task<string> SignedInAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var json = await OkJsonAsync(response);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("refreshToken").GetString()));
        return json.GetProperty("accessToken").GetString()!;
    }

    private async Task<JsonElement> StatusAsync(string token)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/v1/auth/mfa");
        return await OkJsonAsync(response);
    }

    /// <summary>Enrolls a signed-in user and confirms with the code of the previous step; returns the secret and the recovery codes.</summary>
    private async Task<(string Secret, string[] RecoveryCodes, long Step)> EnrollAsync(string role)
    {
        var token = await api.TokenForAsync(role);
        using var enroll = await PostAsync("/api/v1/auth/mfa/enroll", new { currentPassword = BulwarkApiFactory.DemoPassword }, token);
        var secret = (await OkJsonAsync(enroll)).GetProperty("secret").GetString()!;
        var step = await FreshStepAsync();
        using var confirm = await PostAsync("/api/v1/auth/mfa/confirm", new { code = CodeAt(secret, step - 1) }, token);
        var codes = (await OkJsonAsync(confirm)).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(10, codes.Length);
        return (secret, codes, step);
    }

    private Task<int> FailedLoginCountAsync(string email)
    {
        var normalized = email.ToUpperInvariant();
        return AuditQueries.WithDbAsync(api, db => db.Users.IgnoreQueryFilters().Where(u => u.NormalizedEmail == normalized)
            .Select(u => u.FailedLoginCount).SingleAsync());
    }

    /// <summary>LOG-2: the security event of <paramref name="type"/> for <paramref name="email"/>'s account reached the audit store.</summary>
    private async Task AuditedAsync(string type, string email, string? reason = null)
    {
        var userId = (await AuditQueries.UserIdAsync(api, email)).ToString();
        await AuditQueries.WaitForAsync(api, q => q.Where(e => e.Type == type && e.ActorId == userId && (reason == null || e.Reason == reason)));
    }

    // ---- tests -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Admin_MustEnrollAtLogin_ThenGetsTokensAndRecoveryCodes_AndTheSecretIsEncryptedAtRest()
    {
        var mfaToken = await ChallengeAsync("admin", "rival", enrollmentRequired: true);
        // Nothing to check a code against before enrolling; a made-up challenge is the same 401.
        await RejectedAsync(SecondStepAsync(mfaToken, code: "123456"));
        await RejectedAsync(SecondStepAsync(System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), code: "123456"));

        using var enroll = await PostAsync("/api/v1/auth/login/mfa/enroll", new { mfaToken });
        var enrollment = await OkJsonAsync(enroll);
        var secret = enrollment.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);   // 160 bits, base32
        Assert.Equal($"otpauth://totp/Bulwark:admin%40rival.example?secret={secret}&issuer=Bulwark&algorithm=SHA1&digits=6&period=30",
            enrollment.GetProperty("otpAuthUri").GetString());

        var step = await FreshStepAsync();
        await RejectedAsync(SecondStepAsync(mfaToken, code: WrongCode(secret, step)));
        using var done = await SecondStepAsync(mfaToken, code: CodeAt(secret, step - 1));
        var tokens = await OkJsonAsync(done);
        var recovery = tokens.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(10, recovery.Length);
        Assert.Equal(10, recovery.Distinct().Count());
        Assert.All(recovery, c => Assert.Matches("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$", c));
        var access = tokens.GetProperty("accessToken").GetString()!;
        await AuditedAsync("auth.mfa.enabled", "admin@rival.example", "enrolled_at_login");
        await AuditedAsync("auth.login.failed", "admin@rival.example", "mfa_invalid_code");

        var status = await StatusAsync(access);
        Assert.True(status.GetProperty("enabled").GetBoolean());
        Assert.True(status.GetProperty("required").GetBoolean());
        Assert.False(status.GetProperty("enrollmentPending").GetBoolean());
        Assert.Equal(10, status.GetProperty("recoveryCodesLeft").GetInt32());

        // The challenge is spent: not even a fresh, valid code opens it again.
        await RejectedAsync(SecondStepAsync(mfaToken, code: CodeAt(secret, step)));

        // DATA-1: the column holds ciphertext; recovery codes only as hashes.
        var stored = await AuditQueries.WithDbAsync(api, db => db.Database
            .SqlQueryRaw<string?>("SELECT \"TotpSecret\" AS \"Value\" FROM users WHERE \"NormalizedEmail\" = {0}", "ADMIN@RIVAL.EXAMPLE")
            .SingleAsync());
        Assert.False(string.IsNullOrEmpty(stored));
        Assert.DoesNotContain(secret, stored, StringComparison.OrdinalIgnoreCase);
        var userId = await AuditQueries.UserIdAsync(api, "admin@rival.example");
        var hashes = await AuditQueries.WithDbAsync(api, db => db.RecoveryCodes.IgnoreQueryFilters().Where(c => c.UserId == userId)
            .Select(c => c.CodeHash).ToListAsync());
        Assert.Equal(10, hashes.Count);
        Assert.All(hashes, h => Assert.Equal(32, h.Length));   // SHA-256, never the code

        // AUTH-11: creating an API key now needs the password AND a code.
        using var passwordOnly = await PostAsync("/api/v1/api-keys",
            new { name = "sync", permissions = new[] { "inventory:read" }, currentPassword = BulwarkApiFactory.DemoPassword }, access);
        await ProblemAssert.IsProblemAsync(passwordOnly, HttpStatusCode.Forbidden);
        using var withCode = await PostAsync("/api/v1/api-keys",
            new { name = "sync", permissions = new[] { "inventory:read" }, currentPassword = BulwarkApiFactory.DemoPassword, code = CodeAt(secret, step) },
            access);
        await OkJsonAsync(withCode, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Login_AcceptsOnlyTheAdjacentSteps_AndEachCodeOnce()
    {
        var token = await api.TokenForAsync("finance");
        using var wrongPassword = await PostAsync("/api/v1/auth/mfa/enroll", new { currentPassword = "not-the-password-at-all" }, token);
        await ProblemAssert.IsProblemAsync(wrongPassword, HttpStatusCode.Forbidden);

        using var enroll = await PostAsync("/api/v1/auth/mfa/enroll", new { currentPassword = BulwarkApiFactory.DemoPassword }, token);
        var secret = (await OkJsonAsync(enroll)).GetProperty("secret").GetString()!;
        var pending = await StatusAsync(token);
        Assert.False(pending.GetProperty("enabled").GetBoolean());
        Assert.True(pending.GetProperty("enrollmentPending").GetBoolean());
        Assert.False(pending.GetProperty("required").GetBoolean());
        // Not in force until confirmed: the password alone still signs in.
        Assert.False(string.IsNullOrEmpty((await LoginAsync("finance")).GetProperty("accessToken").GetString()));

        var step = await FreshStepAsync();
        using var wrong = await PostAsync("/api/v1/auth/mfa/confirm", new { code = WrongCode(secret, step) }, token);
        await ProblemAssert.IsProblemAsync(wrong, (HttpStatusCode)422);
        using var confirm = await PostAsync("/api/v1/auth/mfa/confirm", new { code = CodeAt(secret, step - 1) }, token);
        await OkJsonAsync(confirm);
        using var again = await PostAsync("/api/v1/auth/mfa/confirm", new { code = CodeAt(secret, step) }, token);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict);

        var mfaToken = await ChallengeAsync("finance");
        await RejectedAsync(SecondStepAsync(mfaToken, code: CodeAt(secret, step + 2)));   // too far ahead
        await RejectedAsync(SecondStepAsync(mfaToken, code: CodeAt(secret, step - 2)));   // too old
        await RejectedAsync(SecondStepAsync(mfaToken, code: CodeAt(secret, step - 1)));   // spent by the confirmation
        var access = await SignedInAsync(SecondStepAsync(mfaToken, code: CodeAt(secret, step)));
        Assert.True((await StatusAsync(access)).GetProperty("enabled").GetBoolean());

        var next = await ChallengeAsync("finance");
        await RejectedAsync(SecondStepAsync(next, code: CodeAt(secret, step)));            // replay of the code just used
        await SignedInAsync(SecondStepAsync(next, code: CodeAt(secret, step + 1)));
    }

    [Fact]
    public async Task WrongCodes_KillTheChallenge_AndCountTowardsTheLockout()
    {
        var (secret, _, _) = await EnrollAsync("hr");
        var step = await FreshStepAsync();
        var mfaToken = await ChallengeAsync("hr");
        for (var i = 1; i <= 5; i++)
        {
            await RejectedAsync(SecondStepAsync(mfaToken, code: WrongCode(secret, step, i)));
        }

        Assert.Equal(5, await FailedLoginCountAsync("hr@demo.example"));   // AUTH-3: each wrong code is a failed login
        await RejectedAsync(SecondStepAsync(mfaToken, code: CodeAt(secret, step)));   // the challenge is void
        Assert.Equal(5, await FailedLoginCountAsync("hr@demo.example"));

        // A new login with a right code works and resets the count.
        await SignedInAsync(SecondStepAsync(await ChallengeAsync("hr"), code: CodeAt(secret, step)));
        Assert.Equal(0, await FailedLoginCountAsync("hr@demo.example"));
    }

    [Fact]
    public async Task RecoveryCodes_WorkOnceEach_AsTypedInAnyCase()
    {
        var (_, recovery, _) = await EnrollAsync("employee");
        var mfaToken = await ChallengeAsync("employee");
        using var both = await PostAsync("/api/v1/auth/login/mfa", new { mfaToken, code = "123456", recoveryCode = recovery[0] });
        await ProblemAssert.IsValidationProblemAsync(both, "code");
        using var neither = await PostAsync("/api/v1/auth/login/mfa", new { mfaToken });
        await ProblemAssert.IsValidationProblemAsync(neither, "code");

        var access = await SignedInAsync(SecondStepAsync(mfaToken, recoveryCode: recovery[0].ToUpperInvariant().Replace('-', ' ')));
        await AuditedAsync("auth.mfa.recovery_code_used", "employee@demo.example");
        Assert.Equal(9, (await StatusAsync(access)).GetProperty("recoveryCodesLeft").GetInt32());

        var next = await ChallengeAsync("employee");
        await RejectedAsync(SecondStepAsync(next, recoveryCode: recovery[0]));
        await RejectedAsync(SecondStepAsync(next, recoveryCode: "abcd-efgh-ijkm"));
        await SignedInAsync(SecondStepAsync(next, recoveryCode: recovery[1]));
    }

    [Fact]
    public async Task PasswordChange_NeedsAFreshCode_WhenMfaIsOn()
    {
        var (secret, _, step) = await EnrollAsync("inventory");
        var token = await api.TokenForAsync("inventory");
        const string newPassword = "Inventory-Rotated-2026!";
        using var noCode = await PostAsync("/api/v1/auth/password",
            new { currentPassword = BulwarkApiFactory.DemoPassword, newPassword }, token);
        await ProblemAssert.IsProblemAsync(noCode, HttpStatusCode.Forbidden);
        using var replayed = await PostAsync("/api/v1/auth/password",
            new { currentPassword = BulwarkApiFactory.DemoPassword, newPassword, code = CodeAt(secret, step - 1) }, token);
        await ProblemAssert.IsProblemAsync(replayed, HttpStatusCode.Forbidden);
        using var changed = await PostAsync("/api/v1/auth/password",
            new { currentPassword = BulwarkApiFactory.DemoPassword, newPassword, code = CodeAt(secret, step) }, token);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        var mfaToken = await ChallengeAsync("inventory", password: newPassword);
        await SignedInAsync(SecondStepAsync(mfaToken, code: CodeAt(secret, step + 1)));
    }

    [Fact]
    public async Task Disable_NeedsPasswordAndCode_ThenThePasswordAloneSignsIn()
    {
        var (secret, _, step) = await EnrollAsync("manager");
        var token = await api.TokenForAsync("manager");
        using var wrongCode = await PostAsync("/api/v1/auth/mfa/disable",
            new { currentPassword = BulwarkApiFactory.DemoPassword, code = WrongCode(secret, step) }, token);
        await ProblemAssert.IsProblemAsync(wrongCode, HttpStatusCode.Forbidden);
        using var disabled = await PostAsync("/api/v1/auth/mfa/disable",
            new { currentPassword = BulwarkApiFactory.DemoPassword, code = CodeAt(secret, step) }, token);
        Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        await AuditedAsync("auth.mfa.disabled", "manager@demo.example");

        var login = await LoginAsync("manager");
        Assert.False(login.TryGetProperty("mfaRequired", out _));
        var status = await StatusAsync(login.GetProperty("accessToken").GetString()!);
        Assert.False(status.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, status.GetProperty("recoveryCodesLeft").GetInt32());
        using var twice = await PostAsync("/api/v1/auth/mfa/disable",
            new { currentPassword = BulwarkApiFactory.DemoPassword, code = CodeAt(secret, step + 1) }, token);
        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task RequiredFactor_CannotBeDisabled_AndATenantCanRequireItForEveryone()
    {
        var mfaToken = await ChallengeAsync("admin", enrollmentRequired: true);
        using var enroll = await PostAsync("/api/v1/auth/login/mfa/enroll", new { mfaToken });
        var secret = (await OkJsonAsync(enroll)).GetProperty("secret").GetString()!;
        var step = await FreshStepAsync();
        var admin = await SignedInAsync(SecondStepAsync(mfaToken, code: CodeAt(secret, step - 1)));
        // An enrolled user cannot swap the factor with the password alone at the next login.
        using var reenroll = await PostAsync("/api/v1/auth/login/mfa/enroll", new { mfaToken = await ChallengeAsync("admin") });
        await ProblemAssert.IsProblemAsync(reenroll, HttpStatusCode.Unauthorized);

        using var disable = await PostAsync("/api/v1/auth/mfa/disable",
            new { currentPassword = BulwarkApiFactory.DemoPassword, code = CodeAt(secret, step) }, admin);
        await ProblemAssert.IsProblemAsync(disable, (HttpStatusCode)422);

        // Only users:manage may set the tenant's requirement.
        using (var client = await api.ClientForAsync("auditor"))
        using (var denied = await client.PutAsJsonAsync("/api/v1/tenants/current/mfa", new { required = true }))
        {
            await ProblemAssert.IsProblemAsync(denied, HttpStatusCode.Forbidden);
        }

        try
        {
            using (var client = api.CreateClient())
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
                using var on = await client.PutAsJsonAsync("/api/v1/tenants/current/mfa", new { required = true });
                Assert.True((await OkJsonAsync(on)).GetProperty("required").GetBoolean());
            }

            await ChallengeAsync("auditor", enrollmentRequired: true);
            Assert.True((await LoginAsync("auditor", "rival")).TryGetProperty("accessToken", out _));   // AZ-4: only this tenant
        }
        finally
        {
            using var client = api.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            using var off = await client.PutAsJsonAsync("/api/v1/tenants/current/mfa", new { required = false });
            Assert.False((await OkJsonAsync(off)).GetProperty("required").GetBoolean());
        }

        Assert.True((await LoginAsync("auditor")).TryGetProperty("accessToken", out _));
    }
}

public sealed class MfaSqliteFactory : BulwarkApiFactory
{
    public MfaSqliteFactory()
        : base(TestProvider.Sqlite) => MfaTests.Configure(ExtraSettings);
}

public sealed class MfaPostgresFactory : BulwarkApiFactory
{
    public MfaPostgresFactory()
        : base(TestProvider.Postgres) => MfaTests.Configure(ExtraSettings);
}

public sealed class MfaSqliteTests(MfaSqliteFactory api) : MfaTests(api), IClassFixture<MfaSqliteFactory>;

public sealed class MfaPostgresTests(MfaPostgresFactory api) : MfaTests(api), IClassFixture<MfaPostgresFactory>;
