using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Erp.Authorization;

/// <summary>
/// AZ-4/DATA-3 on PostgreSQL: the hand-written part of the schema, applied by the migrate path right after
/// the EF Core migrations (kept out of the generated migrations so regenerating them cannot lose it), as the
/// schema owner. Idempotent: every run drops and recreates what it owns.
/// <list type="bullet">
/// <item>Row-level security, ENABLE + FORCE, on every table with a <c>TenantId</c> column — the authentication tables
/// (<c>users</c>, <c>sessions</c>, <c>refresh_tokens</c>, <c>api_keys</c>, <c>mfa_*</c>) included — except <c>audit_*</c>
/// (one global chain): a row is visible and writable
/// only when its tenant equals the session setting <c>bulwark.tenant_id</c>, which
/// <see cref="TenantSessionInterceptor"/> sets on every connection the application opens. No setting → no rows.</item>
/// <item>A policy for the owner role (the one running this) so migrations and the Development seed see all rows.</item>
/// <item>Grants for the application role: DML only (no DDL: it owns nothing and PostgreSQL 15 gives PUBLIC no
/// CREATE on <c>public</c>), and on <c>audit_*</c> tables INSERT and SELECT only (append-only, LOG-3).</item>
/// <item><c>bulwark_id_in_other_tenant(table, id)</c> (SECURITY DEFINER): the one deliberate cross-tenant
/// question, "is this id another tenant's?", for the AZ-6 cross-tenant event; answers a boolean only (NULL for a
/// table without the policy, which the application role can read across tenants anyway).</item>
/// <item><c>bulwark_tenant_of_refresh_token(hash)</c>, <c>…_of_mfa_challenge(hash)</c>, <c>…_of_api_key(prefix)</c>
/// (SECURITY DEFINER): the tenant id of a credential and nothing else, so login-time flows can enter the tenant
/// (<see cref="TenantScope"/>) before they read the credential's rows; <c>bulwark_revoked_sessions(horizon)</c>: ids and
/// expiry of every tenant's revoked sessions for the start-up revocation reload (AUTH-6).</item>
/// </list>
/// </summary>
public static class PostgresRowLevelSecurity
{
    public const string TenantSetting = "bulwark.tenant_id";
    public const string PolicyName = "bulwark_tenant_isolation";

    public static async Task ApplyAsync(BulwarkDbContext ownerDb, string applicationRole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerDb);
        await using var transaction = await ownerDb.Database.BeginTransactionAsync(cancellationToken);
        // DATA-2: the role name travels as a parameter; the DO block reads it back and quotes it with %I.
        await ownerDb.Database.ExecuteSqlAsync($"SELECT set_config('bulwark.app_role', {applicationRole}, true)", cancellationToken);
        await ownerDb.Database.ExecuteSqlAsync($"""
            DO $rls$
            DECLARE
              t record;
              app text := current_setting('bulwark.app_role');
              app_exists boolean := EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_setting('bulwark.app_role'));
            BEGIN
              FOR t IN
                SELECT c.table_name FROM information_schema.columns c
                JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
                WHERE c.table_schema = 'public' AND c.column_name = 'TenantId' AND tb.table_type = 'BASE TABLE'
                  AND c.table_name NOT LIKE 'audit\_%'
              LOOP
                EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.table_name);
                EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.table_name);
                EXECUTE format('DROP POLICY IF EXISTS bulwark_tenant_isolation ON %I', t.table_name);
                EXECUTE format('CREATE POLICY bulwark_tenant_isolation ON %I USING ("TenantId" = NULLIF(current_setting(%L, true), %L)::uuid) WITH CHECK ("TenantId" = NULLIF(current_setting(%L, true), %L)::uuid)',
                  t.table_name, 'bulwark.tenant_id', '', 'bulwark.tenant_id', '');
                EXECUTE format('DROP POLICY IF EXISTS bulwark_owner_all ON %I', t.table_name);
                EXECUTE format('CREATE POLICY bulwark_owner_all ON %I TO %I USING (true) WITH CHECK (true)', t.table_name, current_user);
              END LOOP;

              CREATE OR REPLACE FUNCTION bulwark_id_in_other_tenant(table_name text, record_id uuid) RETURNS boolean
                LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $fn$
              DECLARE found boolean;
              BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'public' AND tablename = table_name
                               AND policyname = 'bulwark_tenant_isolation') THEN
                  RETURN NULL; -- not under row-level security: the caller asks with its own query
                END IF;
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE "Id" = $1 AND "TenantId" IS DISTINCT FROM NULLIF(current_setting(%L, true), %L)::uuid)',
                  table_name, 'bulwark.tenant_id', '') INTO found USING record_id;
                RETURN found;
              END $fn$;
              REVOKE ALL ON FUNCTION bulwark_id_in_other_tenant(text, uuid) FROM PUBLIC;

              -- AZ-4: a credential found before a tenant is known names its tenant, and nothing else (TenantScope).
              CREATE OR REPLACE FUNCTION bulwark_tenant_of_refresh_token(token_hash bytea) RETURNS uuid
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
                $fn$ SELECT "TenantId" FROM refresh_tokens WHERE "TokenHash" = token_hash $fn$;
              CREATE OR REPLACE FUNCTION bulwark_tenant_of_mfa_challenge(token_hash bytea) RETURNS uuid
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
                $fn$ SELECT "TenantId" FROM mfa_challenges WHERE "TokenHash" = token_hash $fn$;
              CREATE OR REPLACE FUNCTION bulwark_tenant_of_api_key(key_prefix text) RETURNS uuid
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
                $fn$ SELECT "TenantId" FROM api_keys WHERE "Prefix" = key_prefix $fn$;
              -- AUTH-6: the revoked sessions of every tenant, for the start-up reload of the revocation set: ids and
              -- expiry only, never the sessions' other columns.
              CREATE OR REPLACE FUNCTION bulwark_revoked_sessions(horizon timestamptz)
                RETURNS TABLE ("Id" uuid, "AbsoluteExpiresAt" timestamptz)
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
                $fn$ SELECT s."Id", s."AbsoluteExpiresAt" FROM sessions s
                     WHERE s."RevokedAt" IS NOT NULL AND s."AbsoluteExpiresAt" > horizon $fn$;
              REVOKE ALL ON FUNCTION bulwark_tenant_of_refresh_token(bytea), bulwark_tenant_of_mfa_challenge(bytea),
                bulwark_tenant_of_api_key(text), bulwark_revoked_sessions(timestamptz) FROM PUBLIC;

              IF app_exists THEN
                EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
                EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app);
                EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app);
                EXECUTE format('GRANT EXECUTE ON FUNCTION bulwark_id_in_other_tenant(text, uuid), bulwark_tenant_of_refresh_token(bytea), '
                  || 'bulwark_tenant_of_mfa_challenge(bytea), bulwark_tenant_of_api_key(text), bulwark_revoked_sessions(timestamptz) TO %I', app);
                EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I FROM %I', '__EFMigrationsHistory', app);
                -- AUTH-4/DATA-5: key-ring entries are added, never changed by the application.
                EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', 'data_protection_keys', app);
                FOR t IN SELECT table_name FROM information_schema.tables
                         WHERE table_schema = 'public' AND table_name LIKE 'audit\_%' AND table_type = 'BASE TABLE'
                LOOP
                  -- LOG-3: append-only for the application.
                  EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %I FROM %I', t.table_name, app);
                END LOOP;
              END IF;
            END $rls$
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
