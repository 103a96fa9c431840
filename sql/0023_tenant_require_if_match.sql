-- A tenant setting: require If-Match on every update that honours it (lost-update protection
-- everywhere, for HR tools that want it), so that a change without If-Match is refused with 428
-- PRECONDITION_REQUIRED. Off by default: If-Match stays optional, as it always was. Set with
-- PATCH /v1/tenant/settings; a single request can ask the same with `Prefer: require-if-match`.

ALTER TABLE tenants ADD COLUMN require_if_match boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN tenants.require_if_match IS 'When true, every update of the tenant''s data that honours If-Match requires it (428 without).';

-- Tenants' rows are written in platform mode only (tenants_visible's WITH CHECK); this function
-- is the one way a tenant changes its own row, and it changes this setting and nothing else.
CREATE FUNCTION orgd_set_require_if_match(p_value boolean) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER SET search_path = public
    AS $$ UPDATE tenants SET require_if_match = p_value, updated_at = now()
          WHERE id = orgd_current_tenant() RETURNING require_if_match $$;
COMMENT ON FUNCTION orgd_set_require_if_match(boolean) IS 'Sets require_if_match of the current tenant (orgd.tenant) only; the server calls it after the policy allowed tenant.update.';
REVOKE ALL ON FUNCTION orgd_set_require_if_match(boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION orgd_set_require_if_match(boolean) TO orgd_app;
