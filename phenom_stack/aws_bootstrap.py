"""Create the local environment's AWS resources in moto, named and configured like prod's (`phenom-local-...`)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lambdas.action_handler.filenames import MEDIA_PREFIX
from phenom_stack import names
from phenom_stack.errors import StackStartError
from phenom_stack.local_stack import StackUser

AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
# As infra/modules/cognito sets them.
PASSWORD_POLICY = {
    "MinimumLength": 12,
    "RequireLowercase": True,
    "RequireUppercase": True,
    "RequireNumbers": True,
    "RequireSymbols": False,
    "TemporaryPasswordValidityDays": 7,
}
# As infra/modules/media_bucket sets it (noncurrent_version_retention_days defaults to 30).
LIFECYCLE_RULE = {
    "ID": "expire-old-versions-and-abandoned-uploads",
    "Status": "Enabled",
    "Filter": {"Prefix": ""},
    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
    "Expiration": {"ExpiredObjectDeleteMarker": True},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
}
ACCOUNT_RECOVERY = {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]}
# Terraform sets no read_attributes, so Cognito lets the client read every attribute; moto puts only the listed
# ones into ID tokens, so the standard attributes the users table stores are listed.
PROFILE_ATTRIBUTES = ["email", "email_verified", "name", "given_name", "family_name", "preferred_username", "locale"]
# The first user is the smoke user: its credentials go into the smoke-credentials secret.
USER_PROFILES = (
    (
        "smoke@phenom.local",
        {
            "name": "Smoke User",
            "given_name": "Smoke",
            "family_name": "User",
            "preferred_username": "smoke",
            "locale": "en",
        },
    ),
    (
        "other@phenom.local",
        {
            "name": "Other User",
            "given_name": "Other",
            "family_name": "User",
            "preferred_username": "other",
            "locale": "en",
        },
    ),
)


@dataclass(frozen=True)
class CognitoPool:
    """The ids of the local user pool and its app client."""

    user_pool_id: str
    client_id: str


def create_cognito(cognito, triggers: Mapping[str, str]) -> CognitoPool:
    """Pool `phenom-local` and its app client, configured as infra/modules/cognito configures prod's.

    triggers maps a LambdaConfig key (PreTokenGeneration, PostConfirmation, PostAuthentication) to a Lambda ARN.
    """
    pool = cognito.create_user_pool(
        PoolName=names.USER_POOL_NAME,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        AccountRecoverySetting=ACCOUNT_RECOVERY,
        LambdaConfig=dict(triggers),
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=names.APP_CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=AUTH_FLOWS,
        PreventUserExistenceErrors="ENABLED",
        ReadAttributes=PROFILE_ATTRIBUTES,
    )["UserPoolClient"]
    return CognitoPool(user_pool_id=pool["Id"], client_id=client["ClientId"])


def create_media_bucket(s3, uploads_function_arn: str) -> str:
    """Bucket `phenom-local-media-storage`: versioned, AES256, public access blocked, owner-enforced, old versions
    expired, and new objects under media/ notified to uploads_function_arn (the action handler), as in prod (not its
    TLS-only policy: the stack serves plain HTTP on loopback)."""
    bucket = names.MEDIA_BUCKET
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}],
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [LIFECYCLE_RULE]})
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "Id": "media-uploaded",
                    "LambdaFunctionArn": uploads_function_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": MEDIA_PREFIX}]}},
                }
            ]
        },
    )
    return bucket


def create_app_secrets(secretsmanager, database_url: str, jwt_secret_config: dict, admin_secret: str) -> str:
    """Secret `phenom-local-app-secrets` with the keys prod's holds; return its id."""
    secretsmanager.create_secret(
        Name=names.APP_SECRETS_ID,
        SecretString=json.dumps(
            {
                "database_url": database_url,
                "jwt_secret": json.dumps(jwt_secret_config),
                "graphql_admin_secret": admin_secret,
            }
        ),
    )
    return names.APP_SECRETS_ID


# Sign-ins (each runs the post-authentication sync) for a user the confirmation's sync left unrecorded.
RECORD_ATTEMPTS = 3


def sign_up_users(cognito, secretsmanager, pool: CognitoPool) -> tuple[StackUser, ...]:
    """Sign up the users side by side, not confirmed yet (no trigger runs), and store the first one's credentials
    in the smoke secret."""
    with ThreadPoolExecutor(max_workers=len(USER_PROFILES), thread_name_prefix="phenom-stack-users") as signing_up:
        users = tuple(
            signing_up.map(
                lambda user: signed_up_user(cognito, pool.user_pool_id, pool.client_id, *user), USER_PROFILES
            )
        )
    smoke_user = users[0]
    secretsmanager.create_secret(
        Name=names.SMOKE_SECRET_ID,
        SecretString=json.dumps({"username": smoke_user.username, "password": smoke_user.password}),
    )
    return users


def confirm_users(cognito, pool: CognitoPool, users: tuple[StackUser, ...]) -> None:
    """Confirm the signed-up users one by one (the post-confirmation trigger runs). The first confirmation is the
    sync Lambda's cold start: a second one at the same time would wait for it within its own time budget, and a
    sync that runs out of it is only logged."""
    for user in users:
        cognito.admin_confirm_sign_up(UserPoolId=pool.user_pool_id, Username=user.username)


def record_missing_users(
    cognito, pool: CognitoPool, users: tuple[StackUser, ...], recorded: Callable[[], set[str]]
) -> None:
    """Sign in each user whose users row the confirmation's sync did not write (the trigger only logs a sync that
    runs out of its budget, as a slow cold start can), so that post authentication writes it, as the user's first
    sign-in in the app would. StackStartError names the users still missing after RECORD_ATTEMPTS sign-ins."""
    missing = [user for user in users if user.sub not in recorded()]
    for _ in range(RECORD_ATTEMPTS):
        if not missing:
            return
        for user in missing:
            cognito.initiate_auth(
                ClientId=pool.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
            )
        missing = [user for user in missing if user.sub not in recorded()]
    if missing:
        raise StackStartError(
            f"the users sync Lambda did not record {', '.join(user.username for user in missing)} in the users table, "
            f"after their confirmation and {RECORD_ATTEMPTS} sign-ins: see the cognito_sync_users host's log"
        )


def new_password() -> str:
    """A random password that meets the pool's policy and Cognito's default (length, upper, lower, digit, symbol)."""
    return secrets.token_urlsafe(18) + "aA1!"


def confirmed_user(
    cognito, user_pool_id: str, client_id: str, email: str, profile: Mapping[str, str] | None = None
) -> StackUser:
    """A user signed up with a fresh random password and confirmed (so the post-confirmation trigger has run)."""
    user = signed_up_user(cognito, user_pool_id, client_id, email, profile)
    cognito.admin_confirm_sign_up(UserPoolId=user_pool_id, Username=email)
    return user


def signed_up_user(
    cognito, user_pool_id: str, client_id: str, email: str, profile: Mapping[str, str] | None = None
) -> StackUser:
    """A user signed up with a fresh random password and its email verified, not confirmed yet."""
    password = new_password()
    signed_up = cognito.sign_up(
        ClientId=client_id,
        Username=email,
        Password=password,
        UserAttributes=[{"Name": name, "Value": value} for name, value in (profile or {}).items()],
    )
    # Cognito marks the email verified when the user confirms with the emailed code; an admin confirmation does
    # not, so the admin says so first, as a real admin could.
    cognito.admin_update_user_attributes(
        UserPoolId=user_pool_id, Username=email, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    return StackUser(username=email, password=password, sub=signed_up["UserSub"])
