-- Tenant unit kinds can be renamed (their label) and retired: a retired kind keeps the units that
-- already have it but refuses new ones. A kind no unit has ever had can be deleted instead. The
-- built-in kinds every tenant has now include the source document's alliance (联盟), secretariat
-- (秘书处) and substation (分站); they live in the server (OrgRules.defaultKinds), not here.

ALTER TABLE unit_kinds
    ADD COLUMN retired_at timestamptz,
    ADD COLUMN revision   integer NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

COMMENT ON TABLE unit_kinds IS 'Kinds of unit a tenant adds to the built-in ones (board, office, center, department, room, group, regional_office, alliance, secretariat, substation); unit_versions.kind must be a built-in kind or one of these (checked by the server). Managed through /v1/unit-kinds.';
COMMENT ON COLUMN unit_kinds.retired_at IS 'Set when the kind was retired: units that have it keep it, no unit gets it any more (create, import, PATCH kind). NULL while in use.';
COMMENT ON COLUMN unit_kinds.revision IS 'The ETag, raised by every change (If-Match on PATCH).';
