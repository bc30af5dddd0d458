"""Cognito post-confirmation and post-authentication trigger: upserts the user into the users table."""
