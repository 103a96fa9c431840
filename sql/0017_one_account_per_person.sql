-- One person has at most one account (users.person_id, set by PATCH /v1/users/{id}). The server
-- checks it under a row lock on the person to answer 409 PERSON_ALREADY_LINKED naming the other
-- account; this index makes it a rule of the data as well.

CREATE UNIQUE INDEX users_one_account_per_person ON users (tenant_id, person_id) WHERE person_id IS NOT NULL;
COMMENT ON INDEX users_one_account_per_person IS 'A person is linked to at most one account of the tenant.';
