#!/bin/sh
# Runs once, when the postgres container creates its cluster: the two roles and the database of
# deploy/README.md ("Roles and database"), with the passwords from the compose environment.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres \
  -v owner_password="$ORGD_OWNER_PASSWORD" -v app_password="$ORGD_APP_PASSWORD" <<'SQL'
CREATE ROLE orgd_owner LOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE orgd_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE orgd OWNER orgd_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE orgd FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE orgd TO orgd_app;
\connect orgd
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
