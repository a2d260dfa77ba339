#!/bin/sh
# The app's own database role (see docs/security.md): it logs in, owns nothing, and gets its
# privileges from `manage.py migrate --database owner`. Run by the postgres image on first start.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE coprod_app LOGIN PASSWORD :'app_password';
SQL
