"""Names and values of the unit tests' AWS world (moto) and Hasura; none of them is a real secret."""

REGION = "us-east-1"
MEDIA_BUCKET = "phenom-unit-media-storage"
APP_SECRETS_ID = "phenom-unit-app-secrets"
ADMIN_SECRET = "unit-admin-secret-value"
