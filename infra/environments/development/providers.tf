provider "aws" {
  region = "us-east-1"
  # Production and development share this account; the guard stops an apply with any other credentials.
  allowed_account_ids = ["657033058608"]

  default_tags {
    tags = {
      Project     = "phenom"
      Environment = "development"
      ManagedBy   = "terraform"
    }
  }
}
