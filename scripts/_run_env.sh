# The environment of scripts/run (sourced by it; tests/test_run_mode.py serves with it too).
# Not DEBUG unless asked: Django's debug pages (technical, English) would replace the site's own
# 404 and 500 pages. DEBUG=1 ./scripts/run brings them back for debugging.
export DEBUG=${DEBUG:-0}
export HTTPS=${HTTPS:-0}
export CRM_ADDRESS=${CRM_ADDRESS:-127.0.0.1:8000}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost,${CRM_ADDRESS%:*}}
if [ -n "${DATABASE_URL:-}" ] && [ -z "${SECRET_KEY:-}" ]; then
  # Your own database: a signing key made once for this machine (var/secret_key, git-ignored).
  SECRET_KEY=$(python -c 'from config.embedded_pg import local_secret_key; print(local_secret_key())')
  export SECRET_KEY
fi
