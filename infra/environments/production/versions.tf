terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # The state bucket is created once, by hand, before the first apply (see infra/README.md).
  backend "s3" {
    bucket       = "phenom-production-tfstate"
    key          = "phenom-infra-repo/phenom-backend-production/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
