"""Environments the settings tests start from."""

# A complete production configuration: every required secret and detail set.
PRODUCTION = {
    "CLINIC_ENV": "production",
    "DATABASE_URL": "postgresql://clinic:s3cret@db:5432/clinic",
    "RASA_AUTH_TOKEN": "k" * 40,
    "ACTION_SERVER_TOKEN": "a" * 40,
    "WIDGET_JWT_SECRET": "w" * 48,
    "CLINIC_PHONE": "+880 1711 000000",
    "CLINIC_HOURS": "Saturday to Thursday, 10 am to 6 pm",
}
