"""Cognito pre-token-generation (V1) trigger: adds the Hasura claims to the ID token."""
