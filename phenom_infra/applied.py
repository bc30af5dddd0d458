"""An environment of infra/ applied by Terraform into a moto server of its own, with no cloud account.

    with applied_environment("development") as applied:
        applied.outputs["user_pool_id"], applied.client("cognito-idp")

Each environment gets its own moto process (phenom_stack.moto_process with --terraform-gaps), on 127.0.0.1, under
the account id its provider's allowed_account_ids demands and with AWS's managed policies loaded (the XRay and RDS
monitoring attachments name them). One moto per environment, not one for both: moto 5.2.5 gives every DB instance
the same DbiResourceId (phenom_infra.moto_gaps), two servers use both cores, and destroying development cannot
touch production. The data sources' input (an ISSUED certificate for the ALB's domain) is imported first; the
Lambda zips are built into a temporary copy of infra/ whose environment directory gets a generated override file
(local backend, every endpoint on moto, fake credentials, path-style S3), so nothing under infra/ changes.
"""

from __future__ import annotations

import datetime
import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phenom_infra.hcl import ENVIRONMENTS_DIR, MODULES_DIR
from phenom_infra.instances import environment, stack
from phenom_infra.tools import PROVIDER_MIRROR, TERRAFORM_MISSING, CommandResult, run, terraform_binary

ENVIRONMENTS = ("production", "development")
# Every service the modules call, by the provider's `endpoints` key.
PROVIDER_ENDPOINTS = (
    "acm",
    "cloudwatch",
    "cloudwatchlogs",
    "cognitoidp",
    "ec2",
    "ecs",
    "elbv2",
    "iam",
    "lambda",
    "rds",
    "s3",
    "secretsmanager",
    "servicediscovery",
    "sns",
    "sts",
)
OVERRIDE_FILE = "phenom_infra_override.tf"
VARIABLES_FILE = "phenom_infra.auto.tfvars"
# The root variables an environment takes from whoever applies it; the canary role's trust names this repository.
APPLIED_VARIABLES = {"github_repository": "thephenom/phenom-backend"}
# GitHub's OIDC issuer, which the account holds once (production creates it, development looks it up).
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
CLI_CONFIG_FILE = "terraform.rc"
# An apply waits on the provider's own polling (S3 lifecycle, ALB, RDS: about 100 s); a loaded machine doubles it.
TERRAFORM_TIMEOUT_SECONDS = 600
MIRROR_MISSING = (
    f"the hashicorp/aws provider mirror {PROVIDER_MIRROR} is missing: install it there with "
    f"`terraform providers mirror {PROVIDER_MIRROR}` from infra/environments/production on a machine that "
    "reaches registry.terraform.io"
)


class InfraApplyError(Exception):
    """A step of standing an environment up failed; the message carries the command's output."""


def missing_tool() -> str | None:
    """Why an environment cannot be applied on this machine (what to install), or None when it can."""
    if terraform_binary() is None:
        return TERRAFORM_MISSING
    if not PROVIDER_MIRROR.is_dir():
        return MIRROR_MISSING
    return None


@dataclass(frozen=True)
class EnvironmentFacts:
    """What the environment's own Terraform says about where it runs."""

    name: str
    name_prefix: str
    region: str
    account_id: str
    certificate_domain: str
    creates_github_oidc_provider: bool

    @classmethod
    def read(cls, name: str) -> EnvironmentFacts:
        provider = environment(name).config.providers["aws"]
        instance = stack(name)
        return cls(
            name=name,
            name_prefix=instance.variable("name_prefix"),
            region=provider["region"],
            account_id=provider["allowed_account_ids"][0],
            certificate_domain=instance.module("alb").variable("certificate_domain"),
            creates_github_oidc_provider=instance.module("canary").variable("create_github_oidc_provider"),
        )


@dataclass
class AppliedEnvironment:
    """An applied environment: its moto server, its Terraform working copy, the outputs and the phases' seconds."""

    facts: EnvironmentFacts
    aws_endpoint_url: str
    workdir: Path
    destroy_on_exit: bool = True
    outputs: dict[str, Any] = field(default_factory=dict)
    applied_in_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def directory(self) -> Path:
        """The environment's directory in the working copy, where Terraform runs."""
        return self.workdir / "infra" / "environments" / self.facts.name

    def summary(self) -> dict[str, Any]:
        """What `phenom-infra up --json` prints: where the environment answers and its outputs (no secret)."""
        return {
            "environment": self.facts.name,
            "name_prefix": self.facts.name_prefix,
            "aws_endpoint_url": self.aws_endpoint_url,
            "region": self.facts.region,
            "account_id": self.facts.account_id,
            "outputs": self.outputs,
            "applied_in_seconds": round(self.applied_in_seconds, 1),
        }

    def client(self, service: str):
        """A boto3 client for service on this environment's moto server."""
        from phenom_stack.moto_clients import moto_client

        return moto_client(service, self.aws_endpoint_url)

    def terraform(self, *arguments: str, phase: str | None = None, parsed: bool = False) -> CommandResult:
        """Run `terraform arguments` in the environment's directory; phase names the seconds it took, parsed keeps
        stderr out of the output."""
        started = time.perf_counter()
        result = run(
            [terraform_binary() or "terraform", *arguments],
            self.directory,
            environment={"TF_CLI_CONFIG_FILE": str(self.workdir / CLI_CONFIG_FILE)},
            timeout=TERRAFORM_TIMEOUT_SECONDS,
            separate_errors=parsed,
        )
        if phase:
            self.timings[phase] = time.perf_counter() - started
        return result

    def checked(self, *arguments: str, phase: str | None = None, parsed: bool = False) -> CommandResult:
        """terraform(arguments), raising InfraApplyError with its output when it fails."""
        result = self.terraform(*arguments, phase=phase, parsed=parsed)
        if result.returncode != 0:
            raise InfraApplyError(f"{self.facts.name}: terraform {arguments[0]} failed\n{result.describe()}")
        return result

    def apply(self, phase: str = "apply") -> None:
        """terraform apply, then read the outputs (values only)."""
        self.checked("apply", "-auto-approve", "-input=false", "-no-color", phase=phase)
        raw = json.loads(self.checked("output", "-json", "-no-color", parsed=True).output)
        self.outputs = {name: body["value"] for name, body in raw.items()}

    def destroy(self, phase: str = "destroy") -> CommandResult:
        """terraform destroy, as it went (production's guard refuses it)."""
        return self.terraform("destroy", "-auto-approve", "-input=false", "-no-color", phase=phase)

    def plan_json(self, phase: str = "plan") -> dict[str, Any]:
        """A fresh plan as `terraform show -json` gives it."""
        self.checked("plan", "-input=false", "-no-color", "-out=second.tfplan", phase=phase)
        return json.loads(self.checked("show", "-json", "-no-color", "second.tfplan", parsed=True).output)

    def state_file_text(self) -> str:
        """The raw local state file."""
        return (self.directory / "terraform.tfstate").read_text(encoding="utf-8")

    def resource_addresses(self) -> list[str]:
        """Every resource address in the state."""
        return self.checked("state", "list", "-no-color", parsed=True).output.split()


def override_file(endpoint_url: str) -> str:
    """The override Terraform merges into the environment's root: local state, every endpoint on moto."""
    endpoints = "\n".join(f'    {service:<16} = "{endpoint_url}"' for service in PROVIDER_ENDPOINTS)
    return f"""# Generated by phenom_infra.applied: the environment applied into moto on 127.0.0.1.
terraform {{
  backend "local" {{}}
}}

provider "aws" {{
  access_key                  = "phenom-local"
  secret_key                  = "phenom-local"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {{
{endpoints}
  }}
}}
"""


def working_copy(name: str, workdir: Path) -> Path:
    """Copy the environment and the modules into workdir as infra/ lays them out; return the environment's copy."""
    ignored = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "terraform.tfstate*")
    target = workdir / "infra" / "environments" / name
    shutil.copytree(ENVIRONMENTS_DIR / name, target, ignore=ignored)
    shutil.copytree(MODULES_DIR, workdir / "infra" / "modules", ignore=ignored)
    return target


def variables_file() -> str:
    """The root variables no environment sets itself, as a tfvars file Terraform loads on its own."""
    return "".join(f'{name} = "{value}"\n' for name, value in APPLIED_VARIABLES.items())


def seed_github_oidc_provider(iam) -> None:
    """The account's GitHub OIDC provider, which an environment that does not create it looks up (in AWS,
    production's; here each environment has a moto of its own)."""
    iam.create_open_id_connect_provider(Url=GITHUB_OIDC_URL, ClientIDList=["sts.amazonaws.com"])


def build_lambda_zips(workdir: Path) -> None:
    """The zips where the stack module looks for them, relative to the copy (dist/lambdas)."""
    from lambdas.build import build_all

    build_all(out_dir=workdir / "dist" / "lambdas")


def import_certificate(acm, domain: str) -> str:
    """Import a self-signed certificate for domain, which ACM reports ISSUED; return its ARN."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return acm.import_certificate(
        Certificate=certificate.public_bytes(serialization.Encoding.PEM),
        PrivateKey=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )["CertificateArn"]


@contextmanager
def applied_environment(name: str, destroy_on_exit: bool | None = None) -> Iterator[AppliedEnvironment]:
    """Stand the environment up in a moto of its own, yield it, then destroy it and stop moto.

    destroy_on_exit defaults to what the environment allows: production's destroy is refused by its guard while
    deletion protection is on, so it ends with its moto process, which holds the only copy of it."""
    reason = missing_tool()
    if reason:
        raise InfraApplyError(reason)
    from phenom_stack.moto_server import moto_url, start_moto_server
    from phenom_stack.ports import free_port

    started = time.perf_counter()
    facts = EnvironmentFacts.read(name)
    if destroy_on_exit is None:
        destroy_on_exit = not stack(name).variable("deletion_protection")
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix=f"phenom-infra-{name}-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        settings = {"MOTO_ACCOUNT_ID": facts.account_id, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
        port = free_port()
        start_moto_server(port, {}, (), workdir, cleanup, settings=settings, terraform_gaps=True)
        endpoint = moto_url(port)
        applied = AppliedEnvironment(
            facts=facts, aws_endpoint_url=endpoint, workdir=workdir, destroy_on_exit=destroy_on_exit
        )
        directory = working_copy(name, workdir)
        (directory / OVERRIDE_FILE).write_text(override_file(endpoint), encoding="utf-8")
        (directory / VARIABLES_FILE).write_text(variables_file(), encoding="utf-8")
        (workdir / CLI_CONFIG_FILE).write_text(cli_config(), encoding="utf-8")
        build_lambda_zips(workdir)
        import_certificate(applied.client("acm"), facts.certificate_domain)
        if not facts.creates_github_oidc_provider:
            seed_github_oidc_provider(applied.client("iam"))
        applied.checked("init", "-input=false", "-no-color", phase="init")
        applied.apply()
        applied.applied_in_seconds = time.perf_counter() - started
        if destroy_on_exit:
            cleanup.callback(_destroy_or_raise, applied)
        yield applied


def _destroy_or_raise(applied: AppliedEnvironment) -> None:
    result = applied.destroy(phase="final destroy")
    if result.returncode != 0:
        raise InfraApplyError(f"{applied.facts.name}: terraform destroy failed\n{result.describe()}")


def cli_config() -> str:
    """Terraform's CLI configuration for the copy: providers from the mirror only, linked rather than copied."""
    # The mirror's unpacked layout is a plugin cache's: init links the 700 MB provider instead of copying it, which
    # needs a lock file entry unless told otherwise (the copy has no lock file).
    return f"""plugin_cache_dir = "{PROVIDER_MIRROR}"
plugin_cache_may_break_dependency_lock_file = true

provider_installation {{
  filesystem_mirror {{
    path = "{PROVIDER_MIRROR}"
  }}
}}
"""
