#!/usr/bin/env bash
# Copies one tenant, every row of it, from one orgd deployment's database to another's: `export`
# writes the tenant's rows of every tenant table into a folder (COPY, binary format, one
# consistent snapshot) with a manifest; `import` loads that folder into another database at the
# same migration, in one transaction, and fails with nothing changed if anything is off (another
# migration level, the tenant's id or slug already there, a missing file).
#
# Both sides connect as a superuser (or a role that may set session_replication_role): reading
# every tenant means passing row-level security, and the import loads rows with triggers and
# foreign-key checks off (session_replication_role = replica) since the rows come from a
# consistent snapshot of a database that enforced them; the version tables the triggers would
# otherwise write are in the export already. Sessions are left out: people sign in again on the
# new deployment (their API keys keep working). Audit rows get new ids (audit_log is keyed by id
# alone), in their original order. Identity sequences are moved past the imported ids.
#
# Usage: scripts/tenant-copy.sh export SUPERUSER_URL SLUG DIR
#        scripts/tenant-copy.sh import SUPERUSER_URL DIR
# docs/operations.md ("Move one tenant to another deployment") walks through it; the operations
# walk-through (deploy/walkthrough.sh) tests it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Tables left out of a copy, and why: see the header.
SKIPPED_TABLES="'sessions'"

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)

usage() { sed -n '17,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# The tenant tables and, for each, the columns to copy (identity columns of tables keyed by them
# alone are left out, so the import draws new values): "table<TAB>col1,col2,…".
table_columns() {
  "${PSQL[@]}" "$1" -F $'\t' -c "
    SELECT c.relname,
           string_agg(quote_ident(a.attname), ',' ORDER BY a.attnum)
               FILTER (WHERE NOT (a.attidentity <> '' AND c.relname = 'audit_log'))
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
      AND c.relname NOT IN ($SKIPPED_TABLES)
      AND EXISTS (SELECT FROM pg_attribute t WHERE t.attrelid = c.oid AND t.attname = 'tenant_id')
    GROUP BY c.relname ORDER BY c.relname"
}

migration_level() { "${PSQL[@]}" "$1" -c "SELECT coalesce(max(version), 0) FROM orgd_migrations"; }

export_tenant() {
  local url=$1 slug=$2 dir=$3 id level script table columns
  id="$("${PSQL[@]}" "$url" -v slug="$slug" <<<"SELECT id FROM tenants WHERE slug = :'slug'")"
  [[ -n $id ]] || die "no tenant with slug '$slug'"
  level="$(migration_level "$url")"
  mkdir -p "$dir"
  [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
  # One script, one transaction: every table read from the same snapshot.
  script="$dir/.export.sql"
  {
    echo 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;'
    # COPY … TO STDOUT \g FILE rather than \copy, whose arguments psql does not interpolate.
    echo "COPY (SELECT * FROM tenants WHERE id = :'tenant') TO STDOUT (FORMAT binary) \\g '$dir/tenants.copy'"
    while IFS=$'\t' read -r table columns; do
      echo "COPY (SELECT $columns FROM $table WHERE tenant_id = :'tenant') TO STDOUT (FORMAT binary) \\g '$dir/$table.copy'"
      printf '%s\t%s\n' "$table" "$columns" >>"$dir/tables.tsv"
    done < <(table_columns "$url")
  } >"$script"
  "${PSQL[@]}" "$url" -1 -v tenant="$id" -f "$script"
  rm -f "$script"
  printf 'tenant_id\t%s\nslug\t%s\nmigration\t%s\nexported_at\t%s\n' "$id" "$slug" "$level" "$(date -u +%FT%TZ)" >"$dir/manifest.tsv"
  log "exported tenant $slug ($id) at migration $level: $(wc -l <"$dir/tables.tsv") tables into $dir"
}

manifest() { awk -F'\t' -v k="$2" '$1 == k {print $2}' "$1/manifest.tsv"; }

import_tenant() {
  local url=$1 dir=$2 id slug level here script table columns
  [[ -f $dir/manifest.tsv && -f $dir/tables.tsv && -f $dir/tenants.copy ]] || die "$dir holds no tenant export"
  id="$(manifest "$dir" tenant_id)"
  slug="$(manifest "$dir" slug)"
  level="$(manifest "$dir" migration)"
  here="$(migration_level "$url")"
  # Binary COPY needs the same columns of the same types: the same migration level.
  [[ $here == "$level" ]] || die "the export is at migration $level, this database at $here: migrate both to the same level first"
  # The destination's tables must be the exported ones, no more and no fewer.
  diff <(cut -f1 "$dir/tables.tsv") <(table_columns "$url" | cut -f1) >&2 ||
    die "the tenant tables differ between the export and this database"
  script="$dir/.import.sql"
  {
    echo 'SET LOCAL session_replication_role = replica;'
    # Refuse, inside the transaction, a tenant whose id or slug is already taken.
    echo "SELECT CASE WHEN EXISTS (SELECT FROM tenants WHERE id = :'tenant' OR slug = :'slug')"
    echo "            THEN pg_temp.orgd_raise_tenant_exists(:'slug') END;"
    echo "\\copy tenants FROM '$dir/tenants.copy' (FORMAT binary)"
    while IFS=$'\t' read -r table columns; do
      [[ -f $dir/$table.copy ]] || die "missing $dir/$table.copy"
      echo "\\copy $table ($columns) FROM '$dir/$table.copy' (FORMAT binary)"
    done <"$dir/tables.tsv"
    # Identity sequences past the highest imported value, so new rows never reuse an id.
    cat <<'SQL'
DO $$
DECLARE r record; top bigint;
BEGIN
    FOR r IN SELECT c.relname, a.attname, pg_get_serial_sequence(format('%I', c.relname), a.attname) AS seq
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE a.attidentity <> '' AND c.relnamespace = 'public'::regnamespace LOOP
        EXECUTE format('SELECT max(%I) FROM %I', r.attname, r.relname) INTO top;
        IF top IS NOT NULL THEN
            PERFORM setval(r.seq, greatest(top, (SELECT coalesce(last_value, 1) FROM pg_sequences
                                                WHERE format('%I.%I', schemaname, sequencename) = r.seq)));
        END IF;
    END LOOP;
END
$$;
SQL
  } >"$script"
  "${PSQL[@]}" "$url" -1 -v tenant="$id" -v slug="$slug" \
    -c "CREATE FUNCTION pg_temp.orgd_raise_tenant_exists(slug text) RETURNS void LANGUAGE plpgsql AS \$\$
          BEGIN RAISE EXCEPTION 'tenant % (or its id) already exists here: nothing imported', slug; END \$\$" \
    -f "$script" || { rm -f "$script"; die "import failed: nothing was changed"; }
  rm -f "$script"
  log "imported tenant $slug ($id): $(wc -l <"$dir/tables.tsv") tables"
}

main() {
  case ${1:-} in
    export) (($# == 4)) || usage; export_tenant "$2" "$3" "$4" ;;
    import) (($# == 3)) || usage; import_tenant "$2" "$3" ;;
    *) usage ;;
  esac
}

main "$@"
