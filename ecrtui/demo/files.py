"""The throwaway files the demo writes into its temporary HOME: AWS profiles of several
accounts and regions (one with an SSO session that has expired, on purpose), their test
keys, and a profiles file with private, cross-account and public targets."""

DEMO_AWS_CONFIG = """\
[default]
region = us-east-1

[profile dev]
region = eu-west-1

[profile staging]
region = us-west-2

[profile prod]
region = us-east-1
role_arn = arn:aws:iam::123456789012:role/ecr-login
source_profile = default

[sso-session demo]
sso_start_url = https://demo.awsapps.com/start
sso_region = us-east-1

[profile sso-expired]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 210987654321
sso_role_name = Developer
region = eu-central-1
"""

DEMO_CREDENTIALS = """\
[default]
aws_access_key_id = testing
aws_secret_access_key = testing

[dev]
aws_access_key_id = testing
aws_secret_access_key = testing

[staging]
aws_access_key_id = testing
aws_secret_access_key = testing
"""

DEMO_PROFILES = """\
version: 1
defaults:
  region: us-east-1
  writers: [docker]
targets:
  - name: dev
    profile: dev
    registries: ["111111111111", "222222222222"]
  - name: staging
    profile: staging
    registries:
      - "333333333333"
      - 333333333333.dkr.ecr.eu-central-1.amazonaws.com
      - 444444444444.dkr.ecr.ap-southeast-2.amazonaws.com
    repositories: [team/app]
  - name: prod
    profile: prod
    role_arn: arn:aws:iam::998877665544:role/ecr-pull
    registries: ["998877665544", "998877665545"]
    repositories: [team/app]
  - name: public
    type: public
  - name: legacy-sso
    profile: sso-expired
"""
