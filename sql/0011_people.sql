-- People: the staff who fill positions. Names in any script (Chinese names are the norm). Contact
-- fields are private (业主资料不得外泄): the server shows them only to people.read_private. People
-- are not effective-dated; when they hold which post is in assignments.

CREATE TABLE people (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    employee_no  text NOT NULL CONSTRAINT people_employee_no_format CHECK (employee_no ~ '^[^\s]{1,40}$'),
    name         text NOT NULL CONSTRAINT people_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    contact      jsonb NOT NULL DEFAULT '{}' CONSTRAINT people_contact_object CHECK (jsonb_typeof(contact) = 'object'),
    archived     boolean NOT NULL DEFAULT false,
    revision     integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX people_employee_no_unique ON people (tenant_id, employee_no);
CREATE INDEX people_name ON people (tenant_id, name);
COMMENT ON TABLE people IS 'Staff of a tenant. Not effective-dated: the row is the person now; archived people keep their assignment history.';
COMMENT ON COLUMN people.contact IS 'Private contact fields (phone, email, address …) as a JSON object; returned only to callers with people.read_private.';
COMMENT ON INDEX people_employee_no_unique IS 'An employee number names one person of the tenant.';

ALTER TABLE people ENABLE ROW LEVEL SECURITY;
ALTER TABLE people FORCE ROW LEVEL SECURITY;
CREATE POLICY people_tenant_isolation ON people
    USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant());
