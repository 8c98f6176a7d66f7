#!/bin/sh
# Gives the app's login role (created by 10-app-owner.sql) the password from APP_DB_PASSWORD.
set -eu
psql -v ON_ERROR_STOP=1 -v password="${APP_DB_PASSWORD:?set APP_DB_PASSWORD for the app login role}" \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
ALTER ROLE assistant PASSWORD :'password';
SQL
