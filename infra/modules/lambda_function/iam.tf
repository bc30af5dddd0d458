data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.function_name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

resource "aws_iam_role_policy" "logs" {
  name   = "write-own-logs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

data "aws_iam_policy_document" "secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.readable_secret_arns
  }
}

resource "aws_iam_role_policy" "secrets" {
  name   = "read-own-secrets"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.secrets.json
}

# The flag, not the ARN, decides the count: the bucket's ARN is known only after apply.
data "aws_iam_policy_document" "media" {
  count = var.grant_media_access ? 1 : 0

  statement {
    sid = "MediaObjects"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
    ]
    resources = ["${var.media_bucket_arn}/${var.media_prefix}*"]
  }

  statement {
    sid       = "ListMediaPrefix"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [var.media_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.media_prefix}*"]
    }
  }
}

resource "aws_iam_role_policy" "media" {
  count = var.grant_media_access ? 1 : 0

  name   = "media-prefix-objects"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.media[0].json
}
